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

/// The assets of `Web/` (generated into `WebAssets+Files.swift` by `Scripts/embed_web.py`,
/// which follows ``route(ofFile:)`` and ``contentType(ofFile:)``).
public enum WebAssets {
    /// The asset served at `path`, if any.
    public static func asset(at path: String) -> WebAsset? { byPath[path] }

    /// The URL path a file of `Web/` is served at: `index.html` at `/`, `console.html` at
    /// `/console`, any other at `/<name>`.
    public static func route(ofFile name: String) -> String {
        switch name {
        case "index.html": "/"
        case "console.html": "/console"
        default: "/" + name
        }
    }

    /// The file of `Web/` served at `path`: the inverse of ``route(ofFile:)``.
    public static func file(atRoute path: String) -> String? {
        switch path {
        case "/": "index.html"
        case "/console": "console.html"
        default: path.count > 1 && !path.dropFirst().contains("/") && !path.hasPrefix("/.") ? String(path.dropFirst()) : nil
        }
    }

    /// The content type of a file of `Web/`, or `nil` for a file that is not served.
    public static func contentType(ofFile name: String) -> String? {
        if name.hasSuffix(".d.ts") { return "text/plain; charset=utf-8" }
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".svg") { return "image/svg+xml" }
        return nil
    }

    private static let byPath: [String: WebAsset] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
}
