import Foundation
import ParleyCore
import ParleyWire

/// One scripted case from `Spec/scenarios/presence/` (format in that folder's README.md).
struct ScenarioFile: Decodable {
    /// `presence` or `typing`: which machine the steps drive.
    var machine: String
    var description: String
    var requirements: [String]
    /// Durations overriding the defaults, in milliseconds.
    var configuration: [String: UInt64]?
    /// For presence: the first words of the actions the steps' `expect` lists cover.
    var watch: [String]?
    var steps: [ScenarioStep]

    /// The file's name, for messages.
    var name = ""

    private enum CodingKeys: String, CodingKey { case machine, description, requirements, configuration, watch, steps }

    /// Every scenario file for `machine`, read from the repository's Spec folder.
    static func all(machine: String) throws -> [ScenarioFile] {
        let folder = repositoryRoot().appendingPathComponent("Spec/scenarios/presence")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.compactMap { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            // Wire-level scenarios (Spec/scenarios/README.md) in the same folder have no `machine`.
            guard try JSONDecoder().decode(Probe.self, from: data).machine == machine else { return nil }
            var file = try JSONDecoder().decode(ScenarioFile.self, from: data)
            file.name = name
            return file
        }
    }

    private struct Probe: Decodable { var machine: String? }

    /// The folder holding Package.swift, found by walking up from this source file.
    private static func repositoryRoot(from path: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }
}

/// One input of a scenario at a time, with the actions it must produce.
struct ScenarioStep: Decodable {
    var at: UInt64
    var `do`: String
    var connection: UInt64?
    var user: String?
    var role: String?
    var site: String?
    var teams: [String]?
    var assigned: [String]?
    var topic: String?
    var status: String?
    var text: String?
    var url: String?
    var title: String?
    var routing: String?
    var maxConcurrent: UInt64?
    var conversation: String?
    var typing: Bool?
    var `internal`: Bool?
    var preview: String?
    var enabled: Bool?
    /// The rendered actions expected (absent: none).
    var expect: [String]?

    var now: Instant { Instant(milliseconds: at) }
    var parsedRole: Role { Role(jsonName: role ?? "visitor")! }
}
