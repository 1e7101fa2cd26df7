import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The per-address limits and blocks of Spec/abuse.md, through ``ServerCore`` with an injected
/// clock: each refusal with its code and retry time, and blocks from command to expiry.
@Suite struct AbuseServerCoreTests {
    static let here = SourceAddress("198.51.100.7")!
    static let elsewhere = SourceAddress("198.51.100.8")!
    static let anonymous = Wire.Auth(scheme: "anonymous")

    static func driver(_ change: (inout AddressLimits) -> Void = { _ in }) -> CoreDriver {
        var session = SessionConfiguration()
        var limits = AddressLimits.unlimited
        change(&limits)
        session.address = limits
        return CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], session: session))
    }

    /// The fatal error `id` received last, if it was then closed with that code.
    static func refusal(_ d: inout CoreDriver, _ id: ConnectionID) -> Wire.ErrorReply? {
        guard case .error(let error)? = d.take(id).last, d.closed[id]?.rawValue == UInt32(error.code) else { return nil }
        return error
    }

    /// Opens a connection from `address` and sends a hello with `auth`; returns the connection
    /// and the fatal error that refused the hello, if one did.
    static func refusedHello(_ d: inout CoreDriver, _ auth: Wire.Auth, from address: SourceAddress) -> Wire.ErrorReply? {
        let id = d.open(from: address)
        let rid = d.nextRID()
        d.send(.hello(Wire.Hello(rid: rid, versions: [1], auth: auth)), on: id)
        guard let error = refusal(&d, id), error.rid == rid else { return nil }
        return error
    }

    @Test("ABUSE-2: over the open-connection limit the connection gets the error and is closed; closing one frees a place")
    func connectionLimit() throws {
        var d = Self.driver { $0.connections = 2 }
        let first = d.open(from: Self.here)
        _ = d.open(from: Self.here)
        let third = d.open(from: Self.here)
        let error = try #require(Self.refusal(&d, third))
        #expect(error.code == 2020 && error.retryAfterMs == 5_000 && error.rid == nil)
        #expect(d.closed[d.open(from: Self.elsewhere)] == nil, "another address is not limited")
        d.drop(third)  // the transport reports the refused connection's close: nothing to uncount
        d.drop(first)
        let again = d.open(from: Self.here)
        #expect(d.closed[again] == nil)
        #expect(d.core.addressLimiter.openConnections(from: Self.here) == 2)
    }

    @Test("ABUSE-3: a hello over the per-minute rate is answered with its code and retry time, then closed")
    func handshakeRate() throws {
        var d = Self.driver { $0.handshakesPerMinute = 2 }
        #expect(d.connect(Self.anonymous, from: Self.here).1 != nil)
        d.advance(by: 10_000)
        #expect(d.connect(Wire.Auth(scheme: "token", credential: "forged"), from: Self.here).1 == nil, "a failed hello counts too")
        d.advance(by: 5_000)
        let error = try #require(Self.refusedHello(&d, Self.anonymous, from: Self.here))
        #expect(error.code == 2021 && error.retryAfterMs == 45_000 && error.rid != nil && error.requirement == "ABUSE-3")
        #expect(d.connect(Self.anonymous, from: Self.elsewhere).1 != nil)
        d.advance(by: 45_000)
        #expect(d.connect(Self.anonymous, from: Self.here).1 != nil, "the first hello left the window")
    }

    @Test("ABUSE-4: new anonymous visitors per hour are limited; a returning visitor's session token is not")
    func anonymousLimit() throws {
        var d = Self.driver { $0.anonymousPerHour = 1 }
        let (_, first) = d.connect(Self.anonymous, from: Self.here)
        let token = try #require(first?.sessionToken)
        d.advance(by: 60_000)
        let error = try #require(Self.refusedHello(&d, Self.anonymous, from: Self.here))
        #expect(error.code == 2022 && error.retryAfterMs == 3_540_000)
        #expect(d.connect(Wire.Auth(scheme: "session", credential: token), from: Self.here).1 != nil)
        #expect(d.connect(Self.anonymous, from: Self.elsewhere).1 != nil)
    }

    @Test("ABUSE-5, ABUSE-6: the welcome announces the limit; a create over it is refused, non-fatal, and creates nothing")
    func conversationLimit() throws {
        var d = Self.driver { $0.conversationsPerHour = 2 }
        let (visitor, welcome) = d.connect(Self.anonymous, from: Self.here)
        #expect(welcome?.limits.addressConversationsPerHour == 2 && welcome?.limits.addressConnections == nil)
        let (other, _) = d.connect(Self.anonymous, from: Self.here)
        #expect(d.command({ .create(.init(rid: $0, team: "no-such-team", text: "x")) }, on: visitor)?.name == "error",
                "a create that fails is not counted")
        #expect(d.command({ .create(.init(rid: $0, text: "one")) }, on: visitor)?.name == "ok")
        d.advance(by: 1_000)
        #expect(d.command({ .create(.init(rid: $0, text: "two")) }, on: other)?.name == "ok")
        guard case .error(let error)? = d.command({ .create(.init(rid: $0, text: "three")) }, on: visitor) else {
            Issue.record("the third create from the address was not refused"); return
        }
        #expect(error.code == 3014 && error.retryAfterMs == 3_599_000 && error.requirement == "ABUSE-5")
        #expect(d.closed[visitor] == nil, "non-fatal")
        #expect(d.core.chat.conversationIDs.count == 2)
        let (away, _) = d.connect(Self.anonymous, from: Self.elsewhere)
        #expect(d.command({ .create(.init(rid: $0, text: "elsewhere")) }, on: away)?.name == "ok")
    }

    @Test("ABUSE-8…ABUSE-12: a block closes the conversation (reason blocked), closes the visitor, refuses its return until it expires; list and unblock")
    func blockLifecycle() throws {
        var d = Self.driver()
        let agent = d.connectAgent("ana")
        let supervisor = d.connectAgent("sue", role: .supervisor)
        let outsider = d.connectAgent("olaf", teams: ["billing"])
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)?.name == "ok")
        let (visitor, welcome) = d.connect(Self.anonymous, from: Self.here)
        let user = try #require(welcome?.identity.user)
        let token = try #require(welcome?.sessionToken)
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "you are all useless")) }, on: visitor),
              let conversation = ok.conversation else { Issue.record("create failed"); return }
        _ = d.take(agent)

        func block(_ on: ConnectionID, _ visitor: String, reason: String = "abuse", ms: UInt64 = 600_000, address: Bool? = nil) -> Message? {
            d.command({ .block(.init(rid: $0, visitor: visitor, durationMs: ms, reason: reason, address: address)) }, on: on)
        }
        #expect(block(outsider, user)?.errorCode == .visitorNotFound, "an agent of another team sees none of its conversations")
        #expect(block(agent, user, reason: "")?.errorCode == .invalidArgument)
        #expect(block(agent, user, ms: 0)?.errorCode == .invalidArgument)
        #expect(d.command({ .unblock(.init(rid: $0, visitor: user)) }, on: agent)?.errorCode == .forbidden)
        #expect(d.command({ .listBlocks(.init(rid: $0)) }, on: agent)?.errorCode == .forbidden)
        #expect(d.command({ .unblock(.init(rid: $0, visitor: user)) }, on: supervisor)?.errorCode == .blockNotFound)

        #expect(block(agent, user, address: true)?.name == "ok")
        let closed = d.take(agent).compactMap(\.conversationEvent).first { $0.kind == .closed }
        #expect(closed?.conversation == conversation && closed?.closeReason == .blocked && closed?.sender == "ana")
        let toVisitor = d.take(visitor)
        #expect(toVisitor.contains { $0.conversationEvent?.closeReason == .blocked }, "the visitor is told why it closed")
        guard case .error(let fatal)? = toVisitor.last else { Issue.record("no BLOCKED error"); return }
        #expect(fatal.code == 2023 && fatal.retryAfterMs == 600_000 && d.closed[visitor] == .blocked)
        #expect(d.core.chat.conversation(conversation)?.wireState == .closed)

        guard case .blocks(let list)? = d.command({ .listBlocks(.init(rid: $0)) }, on: supervisor) else { Issue.record("no list"); return }
        #expect(list.blocks.map(\.visitor) == [user] && list.blocks.first?.reason == "abuse" && list.blocks.first?.by == "ana")
        #expect(list.blocks.first?.address == true && list.blocks.first.map { $0.expiresAt - $0.createdAt } == 600_000)

        d.advance(by: 100_000)
        let error = try #require(Self.refusedHello(&d, Wire.Auth(scheme: "session", credential: token), from: Self.elsewhere))
        #expect(error.code == 2023 && error.retryAfterMs == 500_000 && error.requirement == "ABUSE-10")
        #expect(Self.refusedHello(&d, Self.anonymous, from: Self.here)?.code == 2023, "another visitor from the blocked address")
        #expect(d.connect(Self.anonymous, from: Self.elsewhere).1 != nil)
        #expect(d.connectAgent("ana2") != visitor && d.closed.values.filter { $0 == .blocked }.count == 3, "staff are never refused")

        d.advance(by: 500_000)
        #expect(d.connect(Wire.Auth(scheme: "session", credential: token)).1 != nil, "the block expired by itself")
        let later = d.connectAgent("sue", role: .supervisor)  // the first one's heartbeat timed out meanwhile
        guard case .blocks(let after)? = d.command({ .listBlocks(.init(rid: $0)) }, on: later) else { Issue.record("no list"); return }
        #expect(after.blocks.isEmpty)
    }

    @Test("ABUSE-11: unblocking lets the visitor back at once")
    func unblock() throws {
        var d = Self.driver()
        let agent = d.connectAgent("ana")
        let supervisor = d.connectAgent("sue", role: .supervisor)
        let (visitor, welcome) = d.connect(Self.anonymous)
        let user = try #require(welcome?.identity.user)
        #expect(d.command({ .create(.init(rid: $0, text: "hi")) }, on: visitor)?.name == "ok")
        #expect(d.command({ .block(.init(rid: $0, visitor: user, durationMs: 86_400_000, reason: "spam")) }, on: agent)?.name == "ok")
        #expect(d.connect(Wire.Auth(scheme: "session", credential: welcome?.sessionToken)).1 == nil)
        #expect(d.command({ .unblock(.init(rid: $0, visitor: user)) }, on: supervisor)?.name == "ok")
        #expect(d.connect(Wire.Auth(scheme: "session", credential: welcome?.sessionToken)).1 != nil)
        #expect(d.connect(Self.anonymous).1 != nil, "the block did not name the address")
    }
}

extension Message {
    /// The code of an `error`, if this is one.
    var errorCode: ErrorCode? {
        guard case .error(let error) = self else { return nil }
        return ErrorCode(rawValue: UInt32(error.code))
    }
}
