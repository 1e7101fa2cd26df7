import Foundation
import ParleyNIO
import ParleyTestSupport
import Testing

/// TLS (issue 19): with a certificate the server serves HTTPS, WSS and TLS on the byte stream,
/// checked from Python's `ssl` and `websockets` trusting a certificate this test makes.
@Suite(.serialized) struct TLSTests {
    /// A self-signed certificate for 127.0.0.1 made with `openssl`: (certificate, key) paths.
    static func makeCertificate() throws -> (String, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        return (cert, key)
    }

    @Test("HTTPS, WSS and the TLS byte stream answer a client that trusts the server's certificate")
    func pythonOverTLS() async throws {
        guard PythonInteropTests.websocketsInstalled else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "python3 -m pip install websockets")
            return
        }
        let (cert, key) = try Self.makeCertificate()
        let live = try await LiveServer.start(tls: try ParleyNIOServer.tlsContext(certificateFile: cert, keyFile: key))
        defer { Task { try? await live.stop() } }
        let (python, output) = try PythonInteropTests.startScript("tls_client.py", [cert, "\(live.httpPort)", "\(live.tcp.port)"])
        let text = try await offPool {
            defer { python.waitUntilExit() }
            return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(python.terminationStatus == 0, "python: \(text)")
        #expect(text.contains("https 200"))
        #expect(text.contains("wss welcome"))
        #expect(text.contains("tls-stream welcome"))
    }
}
