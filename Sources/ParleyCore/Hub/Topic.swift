/// A fan-out topic: a conversation, a presence feed, a team feed … named by a string.
///
/// The name's stable hash (FNV-1a over its UTF-8) is computed once, at creation, and picks the
/// topic's shard (HUB-14); equality compares the names.
public struct Topic: Hashable, Sendable, CustomStringConvertible {
    /// The topic's name, e.g. `conversation:c123` or `presence:team-sales`.
    public let name: String
    /// FNV-1a of `name`, stable across processes.
    let stableHash: UInt64

    /// The topic called `name`.
    public init(_ name: String) {
        self.name = name
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        self.stableHash = hash
    }

    public static func == (lhs: Topic, rhs: Topic) -> Bool {
        lhs.stableHash == rhs.stableHash && lhs.name == rhs.name
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(stableHash) }

    public var description: String { name }
}
