import Foundation
import ParleyCore
import ParleyWire

/// How the suite logs in agents and supervisors (Spec/conformance.md, "Credentials"):
/// tokens given on the command line, or the server's key to mint fresh ones per check.
/// Anonymous visitors need nothing.
public struct Credentials: Sendable {
    /// Agent access tokens given as they are (used in every check, in order).
    public var agentTokens: [String]
    /// A supervisor access token given as it is.
    public var supervisorToken: String?
    /// The server's token key: mints agents and a supervisor of `team`, unique to each check.
    public var key: [UInt8]?
    /// The team minted agents belong to.
    public var team: String
    /// Agents minted per check.
    static let mintedAgents = 3

    /// Credentials from tokens and/or a key.
    public init(agentTokens: [String] = [], supervisorToken: String? = nil, key: [UInt8]? = nil, team: String = "support") {
        self.agentTokens = agentTokens
        self.supervisorToken = supervisorToken
        self.key = key
        self.team = team
    }

    /// The values scenarios name for the check numbered `check` of the run named `run`:
    /// `$agentToken1`…, `$supervisorToken`, `$expiredToken` and `$skilledAgentToken` (with a
    /// key: skills `billing`, maxConcurrent 1), `$team`,
    /// `$teamTopic`; and the number of agents.
    func seeds(run: String, check: Int) -> (seeds: [String: JSONValue], agents: Int) {
        var seeds: [String: JSONValue] = [:]
        var agents = agentTokens
        var supervisor = supervisorToken
        if let key {
            let signer = SignedTokenAuthenticator(key: key)
            let expires = Instant(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000) + 3_600_000)
            func mint(_ name: String, _ role: Role) -> String? {
                signer.mint(TokenClaims(user: "conf-\(run)-\(check)-\(name)", role: role, teams: [team], expiresAt: expires))
            }
            if agents.isEmpty { agents = (1...Self.mintedAgents).compactMap { mint("agent\($0)", .agent) } }
            if supervisor == nil { supervisor = mint("supervisor", .supervisor) }
            let expired = signer.mint(TokenClaims(user: "conf-\(run)-\(check)-late", role: .agent, teams: [team], expiresAt: Instant(milliseconds: 1)))
            if let expired { seeds["expiredToken"] = .string(expired) }
            // An agent whose token carries skills and a concurrency cap (SESSION-6, ROUTE-14).
            let skilled = signer.mint(TokenClaims(
                user: "conf-\(run)-\(check)-skilled", role: .agent, teams: [team], skills: ["billing"], maxConcurrent: 1, expiresAt: expires))
            if let skilled { seeds["skilledAgentToken"] = .string(skilled) }
        }
        for (index, token) in agents.enumerated() { seeds["agentToken\(index + 1)"] = .string(token) }
        if let supervisor { seeds["supervisorToken"] = .string(supervisor) }
        seeds["team"] = .string(team)
        seeds["teamTopic"] = .string("presence:team:" + team)
        return (seeds, agents.count)
    }
}
