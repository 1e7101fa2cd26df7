import Foundation
import ParleyClient

/// The conformance suite: every wire-level scenario of `Spec/scenarios/session/` and the
/// suite's own checks in `Spec/scenarios/conformance/`, run one after the other against a
/// server, each citing the requirements it covers (Spec/conformance.md).
public struct ConformanceSuite: Sendable {
    /// The folders of `Spec/scenarios/` whose files are wire-level scenarios.
    public static let folders = ["session", "conformance"]

    /// Every check, in run order (folder, then file name).
    public var checks: [Scenario]

    /// A suite of the given checks.
    public init(checks: [Scenario]) {
        self.checks = checks
    }

    /// Loads the checks from `specDirectory` (the repository's `Spec/`).
    public static func load(specDirectory: URL) throws -> ConformanceSuite {
        var checks: [Scenario] = []
        for folder in folders {
            let directory = specDirectory.appendingPathComponent("scenarios").appendingPathComponent(folder)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
            for file in files {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
                do {
                    checks.append(try Scenario.parse(Array(bytes)))
                } catch {
                    throw Scenario.FormatError(description: "\(folder)/\(file): \(error)")
                }
            }
        }
        return ConformanceSuite(checks: checks)
    }

    /// The checks whose id or one of whose requirement ids contains `filter` (all if `nil`).
    public func selecting(_ filter: String?) -> ConformanceSuite {
        guard let filter, !filter.isEmpty else { return self }
        return ConformanceSuite(checks: checks.filter { check in
            check.id.contains(filter) || check.requirements.contains { $0.contains(filter) }
        })
    }

    /// The checks that follow the server's announced timers and limits (``Scenario/isScaled``).
    public var scaled: ConformanceSuite {
        ConformanceSuite(checks: checks.filter(\.isScaled))
    }

    /// Runs every check against `endpoint`, one at a time, handing each result to `progress`
    /// as it completes; with `stopAtFailure`, stops after the first failing check.
    public func run(
        against endpoint: Endpoint, credentials: Credentials, maxWaitMs: UInt64?, stopAtFailure: Bool = false,
        progress: (ScenarioResult) -> Void = { _ in }
    ) async -> [ScenarioResult] {
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var results: [ScenarioResult] = []
        for (index, check) in checks.enumerated() {
            let (seeds, agents) = credentials.seeds(run: run, check: index + 1)
            var live = LiveEndpoint(endpoint: endpoint)
            let started = ContinuousClock.now
            var result = await ScenarioRunner.run(check, on: &live, options: .init(seeds: seeds, agents: agents, maxWaitMs: maxWaitMs))
            let elapsed = ContinuousClock.now - started
            result.durationMs = UInt64(elapsed.components.seconds) * 1000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000_000)
            progress(result)
            results.append(result)
            if stopAtFailure && result.status == .failed { break }
        }
        return results
    }

    /// Finds the `Spec/` folder: `explicit` if given, else the nearest `Spec/scenarios` above
    /// the current directory, else the one of the source tree this was built from.
    public static func specDirectory(explicit: String? = nil) -> URL? {
        let fileManager = FileManager.default
        if let explicit { return URL(fileURLWithPath: explicit) }
        for start in [URL(fileURLWithPath: fileManager.currentDirectoryPath), URL(fileURLWithPath: #filePath)] {
            var url = start
            while url.path != "/" {
                let spec = url.appendingPathComponent("Spec")
                if fileManager.fileExists(atPath: spec.appendingPathComponent("scenarios").path) { return spec }
                url = url.deletingLastPathComponent()
            }
        }
        return nil
    }
}
