import Foundation
import ParleyConformance
import ParleyTestSupport

/// Reads the spec's JSON data files for the core tests, as the conformance runner reads them.
enum SpecData {
    /// The parsed JSON file at `path` relative to `Spec/`.
    static func json(_ path: String) throws -> JSONValue {
        try JSONValue.parse(Array(Data(contentsOf: SpecFiles.url(path))))
    }

    /// The names of the `.json` files in a folder under `Spec/`, sorted.
    static func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: SpecFiles.url(folder).path).filter { $0.hasSuffix(".json") }.sorted()
    }
}
