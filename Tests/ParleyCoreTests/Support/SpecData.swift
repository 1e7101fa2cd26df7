import Foundation

/// A parsed JSON value, for reading the spec's scenario data in tests.
enum JSONValue: Decodable, Equatable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? { if case .string(let value) = self { return value }; return nil }
    var int: Int? { if case .number(let value) = self { return Int(value) }; return nil }
    var uint64: UInt64? { if case .number(let value) = self { return UInt64(value) }; return nil }
    var bool: Bool? { if case .bool(let value) = self { return value }; return nil }
    var array: [JSONValue] { if case .array(let value) = self { return value }; return [] }
    var object: [String: JSONValue] { if case .object(let value) = self { return value }; return [:] }
    var strings: [String] { array.compactMap(\.string) }
}

/// Reads files under the repository's `Spec/` folder, found by walking up from this file to
/// the folder holding Package.swift.
enum SpecData {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }()

    /// The parsed JSON file at `path` relative to `Spec/`.
    static func json(_ path: String) throws -> JSONValue {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("Spec").appendingPathComponent(path))
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The names of the `.json` files in a folder under `Spec/`, sorted.
    static func files(in folder: String) throws -> [String] {
        let url = repositoryRoot.appendingPathComponent("Spec").appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".json") }.sorted()
    }
}
