import ParleyCore
import ParleyWire
import Testing

/// Commands still in progress (SESSION-12, SESSION-19, SESSION-25), on ``ServerSession`` and
/// ``SessionRegistry`` directly, as a host whose application completes a command after the
/// input that dispatched it sees them. (ParleyServer's `ServerCore` completes every command
/// within that input, so it never has one in progress; the session tests on it are in
/// ParleyServerTests/Session.)
@Suite struct ServerSessionInProgressTests {
    static let key = Array("parley session tests secret key!".utf8)
    static let now = Instant(milliseconds: 1_700_000_000_000)

    /// One registry and the machines of its connections.
    struct Host {
        var registry = SessionRegistry(configuration: SessionConfiguration(), key: ServerSessionInProgressTests.key, instance: "test")
        var machines: [ConnectionID: ServerSession] = [:]

        /// Opens connection `id` and establishes it for an anonymous visitor, or resuming
        /// `welcome`'s session; returns its welcome.
        mutating func establish(_ id: UInt64, resuming welcome: Wire.Welcome? = nil) -> Wire.Welcome? {
            let now = ServerSessionInProgressTests.now
            let connection = ConnectionID(rawValue: id)
            var machine = ServerSession(connection: connection, configuration: registry.configuration, now: now)
            _ = machine.start(now: now)
            let auth = welcome.map { Wire.Auth(scheme: "session", credential: $0.sessionToken) } ?? Wire.Auth(scheme: "anonymous")
            let resume = welcome.map { Wire.ResumeRequest(token: $0.resumeToken, lastSeq: 0) }
            _ = machine.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth, resume: resume)), now: now, registry: &registry)
            var authenticator = AnonymousVisitorAuthenticator(key: ServerSessionInProgressTests.key, instance: "test")
            let actions = machine.authenticated(authenticator.authenticate(auth, now: now), now: now, registry: &registry)
            machines[connection] = machine
            return actions.lazy.compactMap { if case .send(.welcome(let w)) = $0 { w } else { nil } }.first
        }

        /// Delivers `message` on connection `id`: what it sends, and what it dispatches to the application.
        mutating func receive(_ message: Message, on id: UInt64) -> (sent: [Message], dispatched: [Message]) {
            let actions = machines[ConnectionID(rawValue: id)]!.receive(message, now: ServerSessionInProgressTests.now, registry: &registry)
            return Self.split(actions)
        }

        /// The application completes a command of `session`: the messages sent, on the connection attached.
        mutating func complete(_ result: Message, session: String) -> (on: ConnectionID?, sent: [Message]) {
            let now = ServerSessionInProgressTests.now
            guard let id = registry.complete(result, session: session, now: now) else { return (nil, []) }
            return (id, Self.split(machines[id]!.complete(result, now: now, registry: &registry)).sent)
        }

        static func split(_ actions: [ServerSession.Action]) -> (sent: [Message], dispatched: [Message]) {
            var sent: [Message] = []
            var dispatched: [Message] = []
            for action in actions {
                if case .send(let message) = action { sent.append(message) }
                if case .dispatch(let message) = action { dispatched.append(message) }
            }
            return (sent, dispatched)
        }
    }

    static func send(rid: UInt64) -> Message {
        .send(Wire.Send(rid: rid, conversation: "c1", clientMessageId: "m1", text: "hello"))
    }

    @Test func aRidInProgressIsADuplicateAndItsCommandGetsOneResult() throws {
        var host = Host()
        let established = host.establish(1)
        let session = try #require(established).session
        #expect(host.receive(Self.send(rid: 5), on: 1).dispatched == [Self.send(rid: 5)])
        // SESSION-12: non-fatal; the earlier command is unaffected.
        let join = Message.join(Wire.Join(rid: 5, conversation: "c1"))
        let duplicate = host.receive(join, on: 1)
        #expect({ if case .error(let e) = duplicate.sent.first { ErrorCode(rawValue: UInt32(e.code)) == .duplicateRequestId && e.rid == 5 } else { false } }())
        #expect(duplicate.sent.count == 1 && duplicate.dispatched.isEmpty)
        #expect(host.complete(.ok(Wire.Ok(rid: 5)), session: session).sent == [.ok(Wire.Ok(rid: 5))])
        // Once answered, the rid may be used again.
        #expect(host.receive(join, on: 1).dispatched == [join])
    }

    @Test func aRetransmissionWhileTheOriginalRunsIsOverloadedAndAFailedOriginalIsForgotten() throws {
        var host = Host()
        let established = host.establish(1)
        let session = try #require(established).session
        #expect(host.receive(Self.send(rid: 2), on: 1).dispatched.count == 1)
        // SESSION-25.
        let busy = host.receive(Self.send(rid: 3), on: 1)
        #expect(busy.dispatched.isEmpty)
        #expect({ if case .error(let e) = busy.sent.first { ErrorCode(rawValue: UInt32(e.code)) == .overloaded && e.retryAfterMs != nil && e.rid == 3 } else { false } }())
        // An error result means no effect: the key is forgotten and a retry runs anew.
        _ = host.complete(.error(Wire.ErrorReply(rid: 2, code: 3004, message: "not a participant")), session: session)
        #expect(host.receive(Self.send(rid: 4), on: 1).dispatched == [Self.send(rid: 4)])
    }

    @Test func aReSentCommandStillInProgressIsAdoptedByTheNewConnection() throws {
        var host = Host()
        let established = host.establish(1)
        let welcome = try #require(established)
        #expect(host.receive(Self.send(rid: 2), on: 1).dispatched.count == 1)
        host.machines[ConnectionID(rawValue: 1)]!.connectionLost(now: Self.now, registry: &host.registry)
        #expect(host.establish(2, resuming: welcome)?.resume?.status == .resumed)
        // SESSION-19: not run again; its one result goes to the new connection.
        let again = host.receive(Self.send(rid: 2), on: 2)
        #expect(again.sent.isEmpty && again.dispatched.isEmpty)
        let done = host.complete(.ok(Wire.Ok(rid: 2, conversation: "c1", cseq: 1)), session: welcome.session)
        #expect(done.on == ConnectionID(rawValue: 2))
        #expect(done.sent == [.ok(Wire.Ok(rid: 2, conversation: "c1", cseq: 1))])
    }
}
