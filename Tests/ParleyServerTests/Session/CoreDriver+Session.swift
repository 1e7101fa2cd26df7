import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// Test code: the session tests' shorthands on ``CoreDriver``: visitors, a conversation of
/// theirs, messages written in it, and what the conversation's history holds.
extension CoreDriver {
    /// A driver whose sessions have the limits `configure` sets.
    init(session configure: (inout SessionConfiguration) -> Void) {
        var session = SessionConfiguration()
        configure(&session)
        self.init(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support", "billing"], session: session))
    }

    /// A new anonymous visitor's credentials (SESSION-7).
    static let anonymous = Wire.Auth(scheme: "anonymous")

    /// The credentials of `welcome`'s visitor, for another connection of theirs (SESSION-7).
    static func sessionAuth(_ welcome: Wire.Welcome) -> Wire.Auth {
        Wire.Auth(scheme: "session", credential: welcome.sessionToken)
    }

    /// A `send` command.
    static func message(rid: UInt64, id: String, text: String = "hello", in conversation: String) -> Message {
        .send(Wire.Send(rid: rid, conversation: conversation, clientMessageId: id, text: text))
    }

    /// Connects a new anonymous visitor and returns the connection and its welcome.
    mutating func connectVisitor() throws -> (ConnectionID, Wire.Welcome) {
        let (id, welcome) = connect(Self.anonymous)
        return (id, try #require(welcome))
    }

    /// Visitor connection `id` starts a conversation (offline while no agent accepts chats) and
    /// acks the events that tell it so; returns the conversation's id and the seq acked.
    mutating func startConversation(on id: ConnectionID) throws -> (id: String, lastSeq: UInt64) {
        let created = command({ .create(Wire.Create(rid: $0)) }, on: id)
        let acked = acknowledge(on: id)
        return (try #require(created?.okBody?.conversation), try #require(acked))
    }

    /// Connection `writer` writes `text` in `conversation`, then acks every event it received.
    mutating func write(_ text: String, in conversation: String, on writer: ConnectionID) {
        send(Self.message(rid: nextRID(), id: "\(writer.rawValue)-\(text)", text: text, in: conversation), on: writer)
        acknowledge(on: writer)
    }

    /// Acks every event connection `id` received since the last ``take(_:)``, taking them;
    /// returns the seq acked, `nil` if there was no event.
    @discardableResult
    mutating func acknowledge(on id: ConnectionID) -> UInt64? {
        guard let last = take(id).compactMap(\.eventSeq).max() else { return nil }
        send(.ack(Wire.Ack(seq: last)), on: id)
        return last
    }

    /// How many events with `clientMessageId` (messages, notes) the history of `conversation` holds.
    func stored(_ clientMessageId: String, in conversation: String) -> Int {
        let last = core.chat.conversation(conversation)?.lastCseq ?? 0
        guard last > 0 else { return 0 }
        return core.chat.store.events(of: conversation, in: 1...last).count { $0.wire.clientMessageId == clientMessageId }
    }
}

extension Message {
    /// The body of an `ok`, if this is one.
    var okBody: Wire.Ok? {
        if case .ok(let ok) = self { ok } else { nil }
    }
}
