import Foundation

/// The results of a conformance run, per check and per requirement, as terminal text, a JSON
/// report and JUnit XML (Spec/conformance.md, "Reports").
public struct ConformanceReport: Sendable {
    /// Where the suite ran.
    public var endpoint: String
    /// Every check's result, in run order.
    public var results: [ScenarioResult]
    /// The levels of the requirements the checks cite.
    public var catalog: RequirementCatalog

    /// A report of `results` against `endpoint`.
    public init(endpoint: String, results: [ScenarioResult], catalog: RequirementCatalog) {
        self.endpoint = endpoint
        self.results = results
        self.catalog = catalog
    }

    /// How many checks passed, failed and were skipped.
    public var counts: (passed: Int, failed: Int, skipped: Int) {
        (results.count { $0.status == .passed }, results.count { $0.status == .failed }, results.count { $0.status == .skipped })
    }

    /// The MUST requirements cited by a failed check (unknown ids count as MUST), sorted.
    public var failedMusts: [String] {
        Set(results.filter { $0.status == .failed }.flatMap(\.requirements).filter { (catalog.levels[$0] ?? .must) == .must }).sorted()
    }

    /// One line per check, and the transcript of each failure.
    public static func line(_ result: ScenarioResult) -> String {
        let mark = switch result.status {
        case .passed: "PASS"
        case .failed: "FAIL"
        case .skipped: "SKIP"
        }
        var text = "\(mark)  \(result.requirements.joined(separator: ",").padding(toLength: 28, withPad: " ", startingAt: 0)) \(result.id)"
        if result.status == .skipped, let detail = result.detail { text += "  (\(detail))" }
        if result.status == .failed {
            text += "\n      \(result.detail ?? "")"
            text += "\n      transcript (→ sent, ← received):"
            for entry in result.log.suffix(14) { text += "\n        \(entry.count > 300 ? String(entry.prefix(300)) + "…" : entry)" }
        }
        return text
    }

    /// The closing summary for the terminal.
    public var summary: String {
        let (passed, failed, skipped) = counts
        var text = "\(endpoint): \(passed) passed, \(failed) failed, \(skipped) skipped of \(results.count) checks"
        let musts = failedMusts
        if !musts.isEmpty { text += "\nMUST requirements violated: \(musts.joined(separator: ", "))" }
        return text
    }

    /// The machine-readable report: every check with its status, requirements and detail, and
    /// the requirements by outcome.
    public var json: String {
        var checks: [JSONValue] = []
        for result in results {
            var members: [String: JSONValue] = [
                "id": .string(result.id), "status": .string(result.status.rawValue),
                "requirements": .array(result.requirements.map(JSONValue.string)), "durationMs": .uint(result.durationMs),
            ]
            if let detail = result.detail { members["detail"] = .string(detail) }
            if result.status == .failed { members["transcript"] = .array(result.log.map(JSONValue.string)) }
            checks.append(.object(members))
        }
        var requirements: [String: JSONValue] = [:]
        for result in results {
            for id in result.requirements {
                let previous = requirements[id].flatMap { if case .string(let s) = $0 { s } else { nil } }
                if previous == ScenarioResult.Status.failed.rawValue { continue }
                if previous == ScenarioResult.Status.passed.rawValue && result.status == .skipped { continue }
                requirements[id] = .string(result.status.rawValue)
            }
        }
        let (passed, failed, skipped) = counts
        let root: JSONValue = .object([
            "endpoint": .string(endpoint), "passed": .uint(UInt64(passed)), "failed": .uint(UInt64(failed)),
            "skipped": .uint(UInt64(skipped)), "checks": .array(checks), "requirements": .object(requirements),
            "failedMust": .array(failedMusts.map(JSONValue.string)),
        ])
        return root.text + "\n"
    }

    /// JUnit XML: one test case per check, named by its requirement ids and id.
    public var junit: String {
        let (_, failed, skipped) = counts
        let total = results.reduce(UInt64(0)) { $0 + $1.durationMs }
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="parley-conformance" tests="\(results.count)" failures="\(failed)" skipped="\(skipped)">
            <testsuite name="\(Self.escape(endpoint))" tests="\(results.count)" failures="\(failed)" skipped="\(skipped)" time="\(Self.seconds(total))">

            """
        for result in results {
            let name = "[\(result.requirements.joined(separator: ","))] \(result.id)"
            xml += "  <testcase classname=\"conformance\" name=\"\(Self.escape(name))\" time=\"\(Self.seconds(result.durationMs))\""
            switch result.status {
            case .passed:
                xml += "/>\n"
            case .skipped:
                xml += "><skipped message=\"\(Self.escape(result.detail ?? ""))\"/></testcase>\n"
            case .failed:
                xml += "><failure message=\"\(Self.escape(result.detail ?? ""))\">\(Self.escape(result.log.joined(separator: "\n")))</failure></testcase>\n"
            }
        }
        return xml + "</testsuite>\n</testsuites>\n"
    }

    private static func seconds(_ ms: UInt64) -> String { String(format: "%.3f", Double(ms) / 1000) }

    private static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20: out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
