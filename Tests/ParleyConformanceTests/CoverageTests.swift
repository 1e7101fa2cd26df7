import Foundation
import ParleyConformance
import ParleyTestSupport
import Testing

/// Every MUST of the specification is covered by a conformance check, or listed in
/// Spec/conformance-untestable.json with the reason; a new MUST without either fails here.
@Suite struct CoverageTests {
    static let spec = SpecFiles.root.appendingPathComponent("Spec")

    /// The ids the suite's checks cite (checks that need the in-memory test host excluded).
    static func covered() throws -> Set<String> {
        let suite = try ConformanceSuite.load(specDirectory: spec)
        return Set(suite.checks.filter { !$0.needs.contains("testHost") }.flatMap(\.requirements))
    }

    /// The listed ids and their reasons, by section.
    static func listed() throws -> [String: [String: String]] {
        let data = try Data(contentsOf: spec.appendingPathComponent("conformance-untestable.json"))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return ["untestable": root["untestable"] as! [String: String], "pending": root["pending"] as! [String: String]]
    }

    @Test func everyMustIsCoveredOrListedWithAReason() throws {
        let catalog = try RequirementCatalog(specDirectory: Self.spec)
        let covered = try Self.covered()
        let listed = try Self.listed().values.reduce(into: [String: String]()) { $0.merge($1) { a, _ in a } }
        let missing = catalog.ids(at: .must).filter { !covered.contains($0) && listed[$0] == nil }
        #expect(missing.isEmpty, "MUST requirements with neither a conformance check nor a reason: \(missing)")
        #expect(listed.values.allSatisfy { !$0.isEmpty })
        #expect(catalog.ids(at: .must).count > 150)
    }

    @Test func listedIdsExistAndAreNotAlsoCovered() throws {
        let catalog = try RequirementCatalog(specDirectory: Self.spec)
        let covered = try Self.covered()
        for (section, entries) in try Self.listed() {
            for id in entries.keys {
                #expect(catalog.levels[id] == .must, "\(section) lists \(id), which is not a MUST of Spec/*.md")
                #expect(!covered.contains(id), "\(section) lists \(id), which a check covers: remove it from the list")
            }
        }
    }

    @Test func everyCheckCitesKnownRequirements() throws {
        let catalog = try RequirementCatalog(specDirectory: Self.spec)
        for check in try ConformanceSuite.load(specDirectory: Self.spec).checks {
            #expect(!check.requirements.isEmpty, "\(check.id) cites no requirement")
            for id in check.requirements { #expect(catalog.levels[id] != nil, "\(check.id) cites \(id), not in Spec/*.md") }
        }
    }

    @Test func theCatalogReadsRequirementLines() throws {
        let catalog = try RequirementCatalog(specDirectory: Self.spec)
        #expect(catalog.levels["FRAME-5"] == .must)
        #expect(catalog.levels["JSON-8"] == .should)
        #expect(catalog.levels["COMP-22"] == .may)
    }
}
