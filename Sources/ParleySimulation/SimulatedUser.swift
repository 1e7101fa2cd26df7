import ParleyCore
import ParleyWire

/// A simulated person: a ``ClientSession`` and what the scripted user has seen through it.
struct SimulatedUser: Sendable {
    /// Where the user stands in the run.
    enum Lifecycle: Sendable, Equatable {
        /// Connected, connecting, or waiting to reconnect.
        case present
        /// Ended the session with goodbye and will not come back.
        case gone
    }

    let index: Int
    let role: Role
    /// The user id: known up front for agents, from the first welcome for visitors.
    var name: String?
    var client: ClientSession
    var lifecycle = Lifecycle.present
    var link: ConnectionID?
    var reconnectAt: Instant?
    var timer: Instant?
    /// Not reading its connection until then (a slow consumer).
    var pausedUntil: Instant?
    /// The session the server last welcomed this user into (seen as the welcome left the server).
    var serverSession: String?
    /// The sessions whose welcome reached the client: only those can it ever resume.
    var establishedSessions: Set<String> = []
    /// Messages and notes still owed to the client, per server session, in the order the
    /// server accepted them.
    var owed: [String: MessageKeyQueue] = [:]
    /// Earlier events a staff member may be sent on becoming staff of a conversation, per server
    /// session and conversation: up to `through`, in increasing cseq after `last` (CONV-31).
    var catchUp: [String: [String: (through: UInt64, last: UInt64)]] = [:]
    /// The latest `typers` set per conversation, and the link it came on.
    var typers: [String: (typers: [Wire.Typer], link: ConnectionID)] = [:]
    /// The latest presence status per user, on the `presence:visitors` topic.
    var presence: [String: PresenceStatus] = [:]
    /// Commands issued and not yet given an outcome, by rid.
    var unanswered: Set<UInt64> = []
    /// An agent's routing choice, re-asserted after every welcome.
    var accepting = true
    /// The connection on which `presence` was (re)subscribed in the settling phase.
    var presenceLink: ConnectionID?
    var written = 0

    init(index: Int, role: Role, name: String?, auth: Wire.Auth) {
        self.index = index
        self.role = role
        self.name = name
        var configuration = ClientSession.Configuration(auth: auth)
        configuration.ackEvery = 4
        configuration.ackDelayMs = 150
        client = ClientSession(configuration: configuration)
    }

    var isStaff: Bool { role != .visitor }

    /// Whether nothing is owed on any session.
    var owesNothing: Bool { owed.values.allSatisfy(\.isEmpty) }

    /// A fresh client message id.
    mutating func nextMessageID() -> String {
        written += 1
        return "u\(index)-\(written)"
    }
}

/// A conversation event's identity: its conversation and its conversation sequence number.
struct MessageKey: Hashable, Sendable, CustomStringConvertible {
    var conversation: String
    var cseq: UInt64

    var description: String { "\(conversation)#\(cseq)" }
}

/// The events owed to one session, oldest first.
struct MessageKeyQueue: Sendable {
    private var keys: [MessageKey] = []
    private var head = 0

    var isEmpty: Bool { head == keys.count }
    var first: MessageKey? { head < keys.count ? keys[head] : nil }
    var remaining: ArraySlice<MessageKey> { keys[head...] }

    mutating func append(_ key: MessageKey) { keys.append(key) }
    mutating func removeFirst() { head += 1 }
}
