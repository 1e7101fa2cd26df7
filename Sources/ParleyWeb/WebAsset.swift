/// A file of the website side (`Web/`: the JavaScript client, the visitor widget, the agent
/// console, the demo page), built into the binary so `parley serve` does not depend on its
/// working directory.
public struct WebAsset: Sendable {
    /// The URL path it is served at (`/`, `/console`, `/parley.js` …).
    public let path: String
    /// The file under `Web/` it was generated from.
    public let file: String
    /// Its `Content-Type`.
    public let contentType: String
    /// Its contents.
    public let text: String
}

/// The assets of `Web/` (generated into `WebAssets+Files.swift` by `Scripts/embed_web.py`).
public enum WebAssets {
    /// The asset served at `path`, if any.
    public static func asset(at path: String) -> WebAsset? { byPath[path] }

    private static let byPath: [String: WebAsset] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
}
