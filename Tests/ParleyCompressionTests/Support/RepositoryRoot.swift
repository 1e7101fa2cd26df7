import Foundation

/// The repository root: the nearest folder above this file that holds Package.swift.
enum RepositoryRoot {
    static func url(file: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }
}
