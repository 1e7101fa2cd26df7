import ParleyWire

/// The visitors staff blocked (ABUSE-8…ABUSE-12), each until its expiry, and the source
/// addresses blocked with them. A pure value fed `now`: a block past its `expiresAt` is no
/// longer in force and is dropped at the next change or listing.
public struct BlockList: Sendable {
    /// One block in force.
    public struct Entry: Sendable, Hashable {
        /// The block as listed to supervisors (`listBlocks`).
        public var block: Wire.BlockRecord
        /// The address key also blocked, when the block named the address.
        public var address: SourceAddress?
    }

    private var byVisitor: [String: Entry] = [:]
    /// The visitors whose block also covers each address key: a hello looks up its address,
    /// it does not scan every block.
    private var visitorsByAddress: [SourceAddress: Set<String>] = [:]

    /// An empty list.
    public init() {}

    /// Blocks `visitor` from `now` for `durationMs` (replacing an earlier block of theirs);
    /// `address` is the visitor's address key, when the block covers it.
    public mutating func block(
        _ visitor: String, reason: String, by staff: String, durationMs: UInt64, address: SourceAddress?, now: Instant
    ) -> Wire.BlockRecord {
        expire(now: now)
        let block = Wire.BlockRecord(
            visitor: visitor, reason: reason, by: staff, createdAt: now.rawValue,
            expiresAt: now.adding(milliseconds: durationMs).rawValue, address: address == nil ? nil : true)
        remove(visitor)
        byVisitor[visitor] = Entry(block: block, address: address)
        if let address { visitorsByAddress[address, default: []].insert(visitor) }
        return block
    }

    /// Lifts `visitor`'s block; false if none was in force.
    public mutating func unblock(_ visitor: String, now: Instant) -> Bool {
        expire(now: now)
        return remove(visitor)
    }

    /// The blocks in force at `now`, oldest first (then by visitor).
    public mutating func active(now: Instant) -> [Wire.BlockRecord] {
        expire(now: now)
        return byVisitor.values.map(\.block).sorted { ($0.createdAt, $0.visitor) < ($1.createdAt, $1.visitor) }
    }

    /// How long until a session of `visitor` (when known) from address key `address` is
    /// admitted: `nil` if no block in force covers it, else the time to the latest expiry of
    /// the blocks that do (ABUSE-10).
    public func retryAfterMs(visitor: String?, address: SourceAddress, now: Instant) -> UInt64? {
        var covering = Array(visitorsByAddress[address] ?? [])
        if let visitor { covering.append(visitor) }
        let expiry = covering.compactMap { byVisitor[$0]?.block.expiresAt }.filter { $0 > now.rawValue }.max()
        return expiry.map { $0 - now.rawValue }
    }

    /// Drops `visitor`'s block and its address entry; false if there was none.
    @discardableResult
    private mutating func remove(_ visitor: String) -> Bool {
        guard let entry = byVisitor.removeValue(forKey: visitor) else { return false }
        if let address = entry.address {
            visitorsByAddress[address]?.remove(visitor)
            if visitorsByAddress[address]?.isEmpty == true { visitorsByAddress[address] = nil }
        }
        return true
    }

    private mutating func expire(now: Instant) {
        for (visitor, entry) in byVisitor where entry.block.expiresAt <= now.rawValue { remove(visitor) }
    }
}
