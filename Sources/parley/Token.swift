import ArgumentParser
import Foundation
import ParleyClock
import ParleyCore
import ParleyServer
import ParleyWire

/// `parley token`: mints a signed access token (SESSION-6) with the server's key, for staff of
/// a reference server started with `--key`: teams, skills and a concurrency cap included
/// (ROUTE-14).
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mint a signed access token for an agent or supervisor (SESSION-6).",
        discussion: """
            The key is the server's (`parley serve --key HEX` or PARLEY_KEY), given as hex. Example:
              parley token --key $KEY --user ana --teams support --skills billing,fr --max-concurrent 4
            """)

    @Option(help: "The server's token key, hex (at least 16 bytes). Env: PARLEY_KEY") var key: String?
    @Option(help: "The user id.") var user: String
    @Option(help: "agent or supervisor (default agent).") var role = "agent"
    @Option(help: "Teams, comma-separated (default support).") var teams = "support"
    @Option(help: "Skills, comma-separated, matched against conversation tags (ROUTE-13).") var skills = ""
    @Option(help: "Concurrency cap (ROUTE-5); default: the team's.") var maxConcurrent: UInt64?
    @Option(help: "Validity, hours (default 24).") var hours: UInt64 = 24

    func run() throws {
        let keyText = key ?? ProcessInfo.processInfo.environment["PARLEY_KEY"] ?? ""
        guard !keyText.isEmpty else { throw ValidationError("--key (or PARLEY_KEY) is required: the key the server was started with") }
        guard let parsedRole = Role(jsonName: role), parsedRole != .visitor else { throw ValidationError("--role must be agent or supervisor") }
        if let maxConcurrent, maxConcurrent < 1 { throw ValidationError("--max-concurrent must be at least 1") }
        let list = { (text: String) in text.split(separator: ",").map(String.init) }
        let claims = TokenClaims(
            user: user, role: parsedRole, teams: list(teams), skills: list(skills), maxConcurrent: maxConcurrent,
            expiresAt: WallClock.now().adding(milliseconds: hours * 3_600_000))
        guard let token = SignedTokenAuthenticator(key: try ServerOptions.hex(keyText)).mint(claims) else {
            throw ValidationError("ids, teams and skills must be non-empty and contain no ',' or '|'")
        }
        emit(token)
    }
}
