import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// A user leaves through a connection when the server closes it — a goodbye ends the session at
/// once (SESSION-34) and with it a visitor's stay; a fatal error leaves the session resumable —
/// not when the transport's close arrives, which may be much later.
@Suite struct LeavingTests {
    @Test("SESSION-34, CONV-8: a visitor who says goodbye with a queued conversation leaves: it is abandoned at once")
    func goodbyeAbandonsQueued() throws {
        var d = CoreDriver()
        let ana = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting, maxConcurrent: 1)) }, on: ana)
        let first = d.connect(Wire.Auth(scheme: "anonymous")).0
        _ = d.command({ .create(.init(rid: $0, text: "first")) }, on: first)
        let second = d.connect(Wire.Auth(scheme: "anonymous")).0
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "second")) }, on: second), let queued = ok.conversation else {
            Issue.record("no conversation"); return
        }
        #expect(d.core.chat.conversation(queued)?.wireState == .queued, "ana is at her limit")
        d.send(.goodbye(.init(code: UInt64(ErrorCode.goingAway.rawValue))), on: second)
        #expect(d.closed[second] == .goingAway)
        #expect(d.core.chat.conversation(queued)?.wireState == .abandoned, "the visitor is gone: nobody waits for an answer")
        d.drop(second)  // the transport's close, after the goodbye
        #expect(d.core.connectionCount == 2)
    }

    @Test("PRES-6, SESSION-15: a connection the server closed with a fatal error stops counting at once, though its transport's close never arrives")
    func closedByTheServer() throws {
        var d = CoreDriver()
        let (visitor, welcome) = d.connect(Wire.Auth(scheme: "anonymous"))
        let user = try #require(welcome?.identity.user)
        d.perform(d.core.receive(undecodable: WireError(.frameTooLarge, "garbage"), on: visitor, now: d.now))
        #expect(d.closed[visitor] == .frameTooLarge)
        d.advance(by: 1_000)
        #expect(d.core.connectionCount == 1, "the transport has not reported the close")
        d.advance(by: d.core.configuration.session.resumeWindowMs + d.core.configuration.presence.gracePeriodMilliseconds + 5_000)
        let status = d.core.presence.currentPresence(of: user)?.status
        #expect(status == nil || status == .offline, "still \(String(describing: status))")
    }
}
