import ParleyWire

// The stored forms of the columns that are not plain numbers or text (Spec/storage.md), and
// what every database store does before writing, shared by the SQLite and PostgreSQL stores.

extension Audience {
    /// The name stored in `events.audience`.
    public var storedName: String {
        switch self {
        case .everyone: "everyone"
        case .staff: "staff"
        }
    }

    /// The audience `storedName` names, if any.
    public init?(storedName: String) {
        switch storedName {
        case "everyone": self = .everyone
        case "staff": self = .staff
        default: return nil
        }
    }
}

extension UInt64 {
    /// The value as an SQL integer, bit for bit (times and cseqs stay far below 2⁶³).
    public var sqlInteger: Int64 { Int64(bitPattern: self) }
}

extension Array where Element == DurableChange {
    /// These changes without the conversation records a later record of the same conversation
    /// replaces before anything else touches that conversation's row (its archiving, its
    /// visitor's erasure): applying the result leaves the rows applying all of them leaves.
    public var withoutReplacedRecords: [DurableChange] {
        var replaced: [String: String] = [:]  // conversation → visitor, for a record written later
        var kept: [DurableChange] = []
        kept.reserveCapacity(count)
        for change in reversed() {
            switch change {
            case .conversation(let machine):
                if replaced[machine.id] != nil { continue }
                replaced[machine.id] = machine.visitor
            case .archived(let conversation):
                replaced[conversation] = nil
            case .visitorErased(let visitor):
                replaced = replaced.filter { $0.value != visitor }
            case .event, .team, .teamRemoved, .agent, .agentRemoved:
                break
            }
            kept.append(change)
        }
        return kept.reversed()
    }
}
