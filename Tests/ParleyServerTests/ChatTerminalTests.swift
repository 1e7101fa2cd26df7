import Foundation
import ParleyClient
import ParleyCore
import ParleyServer
import ParleyWire
import Synchronization
import Testing

/// The README's "try it in one minute": `parley chat --as agent` in a terminal shows what
/// arrives the moment it arrives, with no input — its standard input is a pipe that stays open
/// and silent, as a terminal where nobody types — and the agent reads the visitor's opening
/// question as soon as the conversation is assigned (CONV-31).
@Suite(.serialized) struct ChatTerminalTests {
    /// The `parley` executable `swift test` built next to the test bundle.
    static var parley: URL? {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("parley"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parley"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @Test("parley chat shows an agent the visitor's question and the assignment with no input given")
    func eventsAppearWithoutInput() async throws {
        let parley = try #require(Self.parley, "swift test builds the parley executable next to the tests")
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }

        let chat = Process()
        chat.executableURL = parley
        chat.arguments = ["chat", "--as", "agent", "--endpoint", "tcp://127.0.0.1:\(live.tcp.port)", "--token", live.agentToken("ana")]
        let input = Pipe()  // kept open and never written: nobody types
        let output = Pipe()
        chat.standardInput = input
        chat.standardOutput = output
        chat.standardError = output
        let screen = Screen()
        output.fileHandleForReading.readabilityHandler = { handle in screen.append(handle.availableData) }
        try chat.run()
        defer {
            chat.terminate()
            output.fileHandleForReading.readabilityHandler = nil
            try? input.fileHandleForWriting.close()
        }

        // The agent is accepting once `parley chat` has sent agentStatus and subscribed.
        #expect(await Self.waitFor(screen, within: Duration.seconds(20)) { $0.contains("connected to") })
        try await Task.sleep(for: .milliseconds(500))

        let visitor = ParleyClient(endpoint: live.tcp, auth: Wire.Auth(scheme: "anonymous"))
        try await visitor.connect()
        let created = try await visitor.request(.create(.init(rid: 0, text: "Hello, I need help with my order 1234")))
        #expect(created.name == "ok")

        let shown = await Self.waitFor(screen, within: Duration.seconds(20)) {
            $0.contains("Hello, I need help with my order 1234") && $0.contains("assigned ana")
        }
        #expect(shown, "the screen so far:\n\(screen.text)")
        visitor.close()
    }

    /// Polls the captured screen until `done` holds or the time is up (a bounded loop).
    static func waitFor(_ screen: Screen, within limit: Duration, _ done: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if done(screen.text) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return done(screen.text)
    }

    /// What the terminal client printed so far.
    final class Screen: Sendable {
        private let captured = Mutex("")

        var text: String { captured.withLock { $0 } }

        func append(_ data: Data) { captured.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    }
}
