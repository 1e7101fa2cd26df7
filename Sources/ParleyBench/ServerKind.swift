/// Which server a fan-out run loads, and so which protocol its connections speak.
public enum ServerKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// A Parley server: agents join rooms (conversations) as observers and participants.
    case parley
    /// A Redis server: `SUBSCRIBE` and `PUBLISH` on channels (RESP2).
    case redis
    /// A NATS server: `SUB` and `PUB` on subjects.
    case nats

    /// The port its server listens on by default.
    public var defaultPort: Int {
        switch self {
        case .parley: 7400
        case .redis: 6379
        case .nats: 4222
        }
    }

    /// Its name as written in reports.
    public var description: String {
        switch self {
        case .parley: "Parley"
        case .redis: "Redis"
        case .nats: "NATS"
        }
    }
}
