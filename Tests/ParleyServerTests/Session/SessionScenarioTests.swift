import Foundation
import ParleyConformance
import ParleyTestSupport
import Testing

/// Runs every wire-level scenario of Spec/scenarios/session/ against ``ServerCore`` with
/// simulated time (each scenario cites the SESSION requirements it checks).
@Suite struct SessionScenarioTests {
    static let files: [String] = (try? FileManager.default.contentsOfDirectory(atPath: SpecFiles.url("scenarios/session").path))?
        .filter { $0.hasSuffix(".json") }.sorted() ?? []

    @Test func theScenarioFolderIsNotEmpty() {
        #expect(Self.files.count >= 8)
    }

    @Test(arguments: files)
    func scenario(_ file: String) async throws {
        let bytes = try Data(contentsOf: SpecFiles.url("scenarios/session/" + file))
        let scenario = try Scenario.parse(Array(bytes))
        #expect(scenario.id + ".json" == file)
        #expect(!scenario.requirements.isEmpty)
        var endpoint = CoreEndpoint()
        let result = await ScenarioRunner.run(scenario, on: &endpoint)
        #expect(result.passed, "\(scenario.id): \(result.failure ?? "")")
        #expect(result.status != .skipped, "\(scenario.id): \(result.detail ?? "")")
    }
}
