import ParleyCore
import ParleyServer
import ParleySimulation
import ParleyWire
import Testing

/// Regression found by the simulator (seed 5, 300 steps): the presence tracker's actions for an
/// `agentStatus` were dropped, among them its timer, so later grace periods never ended and a
/// visitor who had said goodbye stayed online for ever (PRES-7, PRES-15).
@Suite struct GoodbyePresenceTests {
    @Test("after an agentStatus, a visitor who says goodbye goes offline after the grace period (PRES-7)")
    func goodbyeGoesOffline() throws {
        let configuration = SimulationConfiguration(seed: 0, steps: 0).server
        var now = Instant(milliseconds: 1_800_000_000_000)
        var core = ServerCore(configuration: configuration, now: now)
        var authenticator = ReferenceAuthenticator(configuration: configuration)
        let token = try #require(core.mintToken(TokenClaims(user: "ana", role: .agent, teams: ["support"], expiresAt: now.adding(milliseconds: 3_600_000))))
        let (agent, _) = core.open(now: now, from: .loopback)
        let agentHello = core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "token", credential: token))), on: agent, now: now)
        _ = core.answeringAuthentication(agentHello, with: &authenticator, now: now)
        _ = core.receive(.agentStatus(Wire.AgentStatus(rid: 2, routing: .accepting)), on: agent, now: now)
        let (id, _) = core.open(now: now, from: .loopback)
        let hello = core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous"))), on: id, now: now)
        let outputs = core.answeringAuthentication(hello, with: &authenticator, now: now)
        let welcome = try #require(outputs.lazy.compactMap { output -> Wire.Welcome? in
            guard case .send(_, let messages) = output else { return nil }
            return messages.lazy.compactMap { if case .welcome(let w) = $0.message { w } else { nil } }.first
        }.first)
        let user = welcome.identity.user
        #expect(core.presence.currentPresence(of: user)?.status == .online)
        _ = core.receive(.goodbye(Wire.Goodbye(code: UInt64(ErrorCode.goingAway.rawValue))), on: id, now: now)
        _ = core.connectionClosed(id, now: now)
        let end = now.adding(milliseconds: 30_000)
        while let deadline = core.nextDeadline, deadline <= end {
            now = max(now, deadline)
            _ = core.tick(now: now)
        }
        let status = core.presence.currentPresence(of: user)?.status
        #expect(status == nil || status == .offline, "still \(String(describing: status))")
    }
}
