import Foundation
import ParleyClient
import ParleyNIO
import ParleyTestSupport
import ParleyWeb
import Testing

/// The website side served by the server (issue 19): the files of Web/ built into the binary,
/// with types, caching and security headers; WebSocket upgrades checked against the page's
/// Origin (WS-6).
@Suite(.serialized) struct WebServingTests {
    /// The response head of `GET path` with extra header lines.
    static func head(_ live: LiveServer, _ method: String = "GET", _ path: String, _ extra: [String] = []) async throws -> String {
        let lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1:\(live.httpPort)"] + extra + ["Connection: close", "", ""]
        let bytes = try await RawHTTPExchange.send(Array(lines.joined(separator: "\r\n").utf8), host: "127.0.0.1", port: live.httpPort)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func upgrade(origin: String?) -> [String] {
        ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
         "Sec-WebSocket-Protocol: parley.v1.json"] + (origin.map { ["Origin: \($0)"] } ?? [])
    }

    @Test("the built-in assets are exactly the files of Web/ (run Scripts/embed_web.py after editing them)")
    func assetsMatchWebFolder() throws {
        let web = SpecFiles.root.appendingPathComponent("Web")
        #expect(WebAssets.asset(at: "/") != nil, "the demo page")
        for asset in WebAssets.all {
            let file = try String(contentsOf: web.appendingPathComponent(asset.file), encoding: .utf8)
            #expect(file == asset.text, "\(asset.file) changed since Scripts/embed_web.py ran")
            // The script and the Swift mapping (used by --web-root) agree.
            #expect(WebAssets.route(ofFile: asset.file) == asset.path)
            #expect(WebAssets.file(atRoute: asset.path) == asset.file)
            #expect(WebAssets.contentType(ofFile: asset.file) == asset.contentType)
        }
        #expect(WebAssets.file(atRoute: "/../etc/passwd") == nil)
        #expect(WebAssets.file(atRoute: "/.hidden") == nil)
        let served = Set(WebAssets.all.map(\.file))
        for name in try FileManager.default.contentsOfDirectory(atPath: web.path)
        where [".html", ".js", ".css", ".svg"].contains(where: name.hasSuffix) || name.hasSuffix(".d.ts") {
            #expect(served.contains(name), "Web/\(name) is not built in: run Scripts/embed_web.py")
        }
    }

    @Test("pages are served with their type, an ETag, no-cache, nosniff and a Content-Security-Policy; a matching ETag is 304")
    func pagesAndHeaders() async throws {
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }
        let page = try await Self.head(live, "GET", "/")
        #expect(page.hasPrefix("HTTP/1.1 200"))
        #expect(page.contains("content-type: text/html; charset=utf-8") || page.contains("Content-Type: text/html; charset=utf-8"))
        #expect(page.contains("Content-Security-Policy: default-src 'self'"))
        #expect(page.contains("X-Content-Type-Options: nosniff"))
        #expect(page.contains("Connection: close"), "one request per connection: a later upgrade is always a connection's first request")
        let etag = try #require(page.split(separator: "\r\n").first { $0.hasPrefix("ETag: ") }).dropFirst("ETag: ".count)
        #expect(try await Self.head(live, "GET", "/", ["If-None-Match: \(etag)"]).hasPrefix("HTTP/1.1 304"))
        #expect(try await Self.head(live, "GET", "/no-such-file.js").hasPrefix("HTTP/1.1 404"))
        #expect(try await Self.head(live, "POST", "/").hasPrefix("HTTP/1.1 404"))
        #expect(try await Self.head(live, "GET", "/healthz").hasPrefix("HTTP/1.1 200"))
    }

    @Test("WS-6: an upgrade from another site's page is 403; none, the server's own, loopback and allowed origins upgrade")
    func originChecked() async throws {
        let live = try await LiveServer.start(origins: OriginPolicy(allowed: ["https://Shop.Example"]))  // compared case-insensitively
        defer { Task { try? await live.stop() } }
        for origin in ["https://evil.example", "http://shop.example", "https://shop.example.evil.example", "null"] {
            let answer = try await Self.head(live, "GET", "/parley", Self.upgrade(origin: origin))
            #expect(answer.hasPrefix("HTTP/1.1 403"), "\(origin): \(answer.prefix(40))")
        }
        for origin in [nil, "https://shop.example", "http://127.0.0.1:\(live.httpPort)", "http://localhost:8080", "http://[::1]:3000"] {
            let answer = try await Self.head(live, "GET", "/parley", Self.upgrade(origin: origin))
            #expect(answer.hasPrefix("HTTP/1.1 101"), "\(origin ?? "no origin"): \(answer.prefix(40))")
        }
        let strict = try await LiveServer.start(origins: OriginPolicy(allowsLoopback: false))
        defer { Task { try? await strict.stop() } }
        #expect(try await Self.head(strict, "GET", "/parley", Self.upgrade(origin: "http://localhost:8080")).hasPrefix("HTTP/1.1 403"))
        #expect(try await Self.head(strict, "GET", "/parley", Self.upgrade(origin: "http://127.0.0.1:\(strict.httpPort)")).hasPrefix("HTTP/1.1 101"))
    }
}
