import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// A goodbye ends the session at once (SESSION-34), and with it the visitor's stay: nothing of
/// them is kept for a session that can never come back.
@Suite struct GoodbyeTests {
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
}
