import Foundation
import ParleyClient
import ParleyCore
import ParleyServer
import ParleyTestSupport
import ParleyWire
import Testing

/// A non-Swift client completes a conversation: Python's `websockets` (installed by .ci/run)
/// with its default settings speaks the JSON encoding to the reference server (WS-1, WS-2).
@Suite(.serialized) struct PythonInteropTests {
    static var websocketsInstalled: Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import websockets"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// Starts `python3 Tests/Interop/<script> <arguments…>` with its output (and errors) in a pipe.
    static func startScript(_ script: String, _ arguments: [String]) throws -> (Process, Pipe) {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", SpecFiles.root.appendingPathComponent("Tests/Interop/" + script).path] + arguments
        let output = Pipe()
        python.standardOutput = output
        python.standardError = output
        try python.run()
        return (python, output)
    }

    @Test("a Python websockets visitor chats with a Swift agent")
    func pythonVisitor() async throws {
        guard Self.websocketsInstalled else {
            // CI installs it (.ci/run); elsewhere the test cannot run without it.
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "python3 -m pip install websockets")
            return
        }
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }
        let agent = ParleyClient(endpoint: live.tcp, auth: Wire.Auth(scheme: "token", credential: live.agentToken("ana")))
        try await agent.connect()
        #expect(try await agent.request(.agentStatus(.init(rid: 0, routing: .accepting))).name == "ok")
        var notes = agent.notifications.makeAsyncIterator()

        let (python, output) = try Self.startScript("ws_visitor.py", ["ws://127.0.0.1:\(live.httpPort)/parley"])

        guard case .event(let assigned)? = await next(&notes, within: 10, where: {
            if case .event(let m) = $0 { m.conversationEvent?.kind == .assigned } else { false }
        }), let conversation = assigned.conversationEvent?.conversation else {
            python.terminate()
            Issue.record("no assignment: \(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self))")
            return
        }
        #expect(try await agent.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "s1", text: "how can I help?"))).name == "ok")
        let reply = await next(&notes, within: 10) { if case .event(let m) = $0 { m.conversationEvent?.senderRole == .visitor && m.conversationEvent?.kind == .message && m.conversationEvent?.text?.hasPrefix("Thanks") == true } else { false } }
        #expect(reply != nil, "the Python visitor's answer arrives")
        #expect(try await agent.request(.close(.init(rid: 0, conversation: conversation))).name == "ok")
        let text = try await offPool {
            defer { python.waitUntilExit() }
            return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(python.terminationStatus == 0, "python output: \(text)")
        #expect(text.contains("ok \(conversation)"))
        #expect(text.contains("extensions: permessage-deflate"), "COMP-10: the default offer of websockets is accepted")
        #expect(text.contains("server_no_context_takeover") && text.contains("client_no_context_takeover"), "COMP-23: no context takeover either way, asked unasked")
        agent.close()
    }
}
