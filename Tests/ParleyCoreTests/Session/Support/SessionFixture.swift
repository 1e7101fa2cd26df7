import ParleyCore
import ParleyWire

/// Test code: an ``InMemoryServer`` with a clock and shorthands for message-level tests.
struct SessionFixture {
    var server: InMemoryServer
    var now = Instant(milliseconds: 1_700_000_000_000)

    init(_ configure: (inout SessionConfiguration) -> Void = { _ in }) {
        var configuration = SessionConfiguration()
        configure(&configuration)
        server = InMemoryServer(configuration: configuration)
    }

    /// Opens a connection and completes a handshake; returns the connection and the welcome.
    mutating func connect(auth: Wire.Auth = Wire.Auth(scheme: "anonymous"),
                          resume: Wire.ResumeRequest? = nil) -> (ConnectionID, Wire.Welcome?, [Message]) {
        let connection = server.open(now: now)
        let replies = send(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth, resume: resume)), on: connection)
        guard case .welcome(let welcome)? = replies.first else { return (connection, nil, replies) }
        return (connection, welcome, Array(replies.dropFirst()))
    }

    /// Delivers `message` to the server and returns what it sent back.
    mutating func send(_ message: Message, on connection: ConnectionID) -> [Message] {
        server.receive(message, on: connection, now: now)
        return server.take(connection)
    }

    mutating func advance(_ milliseconds: UInt64) {
        now = now.adding(milliseconds: milliseconds)
        server.advance(to: now)
    }

    /// A valid send command.
    static func sendCommand(rid: UInt64, id: String, text: String = "hello", conversation: String = "c1") -> Message {
        .send(Wire.Send(rid: rid, conversation: conversation, clientMessageId: id, text: text))
    }

    /// An event as the application would push it.
    static func event(_ text: String, conversation: String = "c1") -> Message {
        .event(Wire.Event(seq: 0, event: Wire.ConversationEvent(conversation: conversation, cseq: 1, kind: .message, time: 0, text: text)))
    }
}

extension Message {
    /// The code of an `error` message.
    var errorCode: ErrorCode? {
        if case .error(let error) = self { ErrorCode(rawValue: UInt32(error.code)) } else { nil }
    }

    /// The body of an `ok` message.
    var okBody: Wire.Ok? {
        if case .ok(let ok) = self { ok } else { nil }
    }

    /// The text of an `event` message's conversation event.
    var eventText: String? {
        if case .event(let event) = self { event.event.text } else { nil }
    }
}
