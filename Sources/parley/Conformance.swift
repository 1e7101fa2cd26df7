import ArgumentParser
import Foundation
import ParleyClient
import ParleyConformance

/// `parley conformance`: runs the conformance suite (Spec/conformance.md) against any server
/// and reports pass/fail per check and requirement; exits non-zero when a MUST fails.
struct Conformance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the conformance suite against a Parley server (Spec/conformance.md).")

    @Option(help: "tcp://HOST:PORT or ws://HOST:PORT/PATH") var endpoint: String?
    @Option(help: "With a ws:// endpoint: json or binary") var encoding = "json"
    @Option(help: "An agent access token (repeat for more agents; checks needing more are skipped)") var agentToken: [String] = []
    @Option(help: "A supervisor access token") var supervisorToken: String?
    @Option(help: "The server's token key in hex (e.g. `parley serve --key`): mints agents and a supervisor per check") var key: String?
    @Option(help: "The team agents belong to") var team = "support"
    @Option(help: "Run only checks whose id or requirement ids contain this") var filter: String?
    @Flag(help: "Run only the checks whose waits and counts follow the server's announced timers and limits (run them against a server started with short ones)") var scaled = false
    @Flag(help: "Stop at the first failing check") var failFast = false
    @Flag(help: "List the checks and the requirements they cover, then exit") var list = false
    @Option(help: "Write a JSON report to this file") var jsonReport: String?
    @Option(help: "Write JUnit XML to this file") var junit: String?
    @Option(help: "Skip checks that wait longer than this on purpose, ms") var maxWaitMs: UInt64 = 5_000
    @Option(help: "The Spec/ folder (default: found above the current directory)") var spec: String?

    func run() async throws {
        guard let specDirectory = ConformanceSuite.specDirectory(explicit: spec) else {
            throw ValidationError("cannot find Spec/scenarios; pass --spec DIR")
        }
        var suite = try ConformanceSuite.load(specDirectory: specDirectory).selecting(filter)
        if scaled { suite = suite.scaled }
        if list {
            for check in suite.checks {
                emit("\(check.requirements.joined(separator: ",").padding(toLength: 34, withPad: " ", startingAt: 0)) \(check.id)")
            }
            emit("\(suite.checks.count) checks")
            return
        }
        guard let endpoint else { throw ValidationError("--endpoint is required (or --list)") }
        guard encoding == "json" || encoding == "binary" else { throw ValidationError("--encoding is json or binary") }
        guard let target = Endpoint(endpoint, json: encoding == "json") else { throw ValidationError("bad endpoint \(endpoint)") }
        let credentials = Credentials(
            agentTokens: agentToken, supervisorToken: supervisorToken, key: try key.map(Self.hex), team: team)
        emit("Parley conformance: \(suite.checks.count) checks against \(target)")
        let results = await suite.run(against: target, credentials: credentials, maxWaitMs: maxWaitMs, stopAtFailure: failFast) { result in
            emit(ConformanceReport.line(result))
        }
        let report = ConformanceReport(
            endpoint: target.description, results: results, catalog: try RequirementCatalog(specDirectory: specDirectory))
        emit(report.summary)
        if let jsonReport { try report.json.write(toFile: jsonReport, atomically: true, encoding: .utf8) }
        if let junit { try report.junit.write(toFile: junit, atomically: true, encoding: .utf8) }
        if !report.failedMusts.isEmpty { throw ExitCode(1) }
    }

    private static func hex(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { throw ValidationError("--key must be hex") }
        return try stride(from: 0, to: digits.count, by: 2).map { i in
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { throw ValidationError("--key must be hex") }
            return byte
        }
    }
}
