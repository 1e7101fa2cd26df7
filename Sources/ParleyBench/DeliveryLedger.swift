/// One subscriber's account of the probes of its room: every index counted once, gaps
/// remembered, so that at the end it can say exactly how many were lost, duplicated or
/// arrived out of order.
///
/// A probe above the highest index so far opens a gap for the indices skipped; one that
/// falls in a gap closes that slot and counts as out of order; any other one at or below
/// the highest index is a duplicate. Loss is only known at the end: accepted publishes in
/// the room minus distinct probes received.
public struct DeliveryLedger: Sendable, Hashable {
    /// Probes received for the first time.
    public private(set) var distinct = 0
    /// Probes received again.
    public private(set) var duplicates = 0
    /// Probes received after a higher index.
    public private(set) var outOfOrder = 0
    private var highest = -1
    /// Indices skipped so far, as sorted disjoint half-open ranges.
    private var gaps: [Range<Int>] = []

    /// Creates an empty ledger.
    public init() {}

    /// How one probe was taken.
    public enum Outcome: Sendable, Hashable {
        /// The next index expected, or above it (leaving a gap).
        case fresh
        /// An index in an earlier gap.
        case late
        /// An index seen before.
        case duplicate
    }

    /// Records the probe with `index`.
    @discardableResult
    public mutating func record(_ index: Int) -> Outcome {
        if index > highest {
            if index > highest + 1 { gaps.append((highest + 1)..<index) }
            highest = index
            distinct += 1
            return .fresh
        }
        guard let g = gapIndex(containing: index) else {
            duplicates += 1
            return .duplicate
        }
        let gap = gaps[g]
        var pieces: [Range<Int>] = []
        if gap.lowerBound < index { pieces.append(gap.lowerBound..<index) }
        if index + 1 < gap.upperBound { pieces.append((index + 1)..<gap.upperBound) }
        gaps.replaceSubrange(g...g, with: pieces)
        distinct += 1
        outOfOrder += 1
        return .late
    }

    /// Probes lost out of `accepted` published in the room (indices 0..<accepted).
    public func lost(accepted: Int) -> Int { max(0, accepted - distinct) }

    private func gapIndex(containing index: Int) -> Int? {
        var low = 0
        var high = gaps.count
        while low < high {
            let mid = (low + high) / 2
            if gaps[mid].upperBound <= index { low = mid + 1 } else { high = mid }
        }
        return low < gaps.count && gaps[low].contains(index) ? low : nil
    }
}
