/// Who became staff of a conversation and who stopped being staff in one transition, each in
/// the order of its list (CONV-31).
///
/// A join (the same staff and one more at the end) and a leave (the same staff but one, in the
/// same order) are recognised by comparing the lists in order, without a set of them: one more
/// observer joining a conversation watched by many costs no hashing of every observer
/// (CONV-39). Any other change compares sets.
struct StaffChange {
    /// Staff after the transition who were not staff before, in the order of the list after.
    private(set) var joined: [String] = []
    /// Staff before the transition who are not staff after, in the order of the list before.
    private(set) var left: [String] = []

    /// No change.
    init() {}

    /// `user` became staff, and nobody stopped being staff.
    init(joined user: String) { joined = [user] }

    /// The change from the staff `before` a transition to the staff `after` it (neither lists
    /// anyone twice).
    init(from before: [String], to after: [String]) {
        if after.count == before.count + 1, after.starts(with: before) {
            joined = [after[before.count]]
        } else if before.count == after.count + 1,
                  let gone = before.indices.first(where: { $0 == after.count || before[$0] != after[$0] }),
                  before[(gone + 1)...].elementsEqual(after[gone...]) {
            left = [before[gone]]
        } else {
            let was = Set(before)
            let now = Set(after)
            joined = after.filter { !was.contains($0) }
            left = before.filter { !now.contains($0) }
        }
    }
}
