import NIOCore
import ParleyClient
import ParleyCore
import ParleyWire

/// Conversations created and closed through the real protocol, many times over, with the
/// server's resident memory sampled as they go: a server that archives ended conversations
/// (CONV-34) keeps its memory flat, apart from what its store keeps.
///
/// Anonymous visitors each `create` a conversation and `close` it, one after the other
/// (CONV-1, CONV-6); the conversations wait `offline` when no agent accepts (CONV-7).
public final class ChurnRun: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The server.
        public var endpoint: Endpoint
        /// Conversations to create and close in all.
        public var conversations: Int
        /// Visitor connections working at once.
        public var visitors: Int
        /// Conversations between two memory samples.
        public var sampleEvery: Int
        /// The team to create in.
        public var team: String
        /// The server's process (for its memory).
        public var serverPID: Int32?

        /// Options for a run against `endpoint`.
        public init(endpoint: Endpoint, conversations: Int, visitors: Int, sampleEvery: Int, team: String, serverPID: Int32?) {
            self.endpoint = endpoint
            self.conversations = conversations
            self.visitors = visitors
            self.sampleEvery = sampleEvery
            self.team = team
            self.serverPID = serverPID
        }
    }

    /// The server's memory after some conversations.
    public struct Sample: Sendable {
        /// Conversations created and closed so far.
        public var conversations: Int
        /// The server's resident memory then, bytes.
        public var residentBytes: Int?
        /// Seconds since the run started.
        public var seconds: Double

        /// A sample.
        public init(conversations: Int, residentBytes: Int?, seconds: Double) {
            self.conversations = conversations
            self.residentBytes = residentBytes
            self.seconds = seconds
        }
    }

    private let options: Options
    private let group: any EventLoopGroup

    /// A run of `options` on `group` (the bench's own event loops).
    public init(options: Options, group: any EventLoopGroup) {
        self.options = options
        self.group = group
    }

    /// Creates and closes the conversations, sampling the server's memory every
    /// `sampleEvery` conversations; `progress` is told how many are done.
    public func run(progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> [Sample] {
        let dialer = try BenchDialer(endpoint: options.endpoint, group: group, counters: RunCounters(), sources: [])
        var visitors: [BenchPeer] = []
        for index in 0..<max(1, options.visitors) {
            visitors.append(try await dialer.connect(index: index, auth: Wire.Auth(scheme: "anonymous")).0)
        }
        defer { for peer in visitors { peer.channel.eventLoop.execute { peer.leave() } } }
        let start = BenchClock.now()
        let rss = { self.options.serverPID.flatMap(ProcessMemory.residentBytes(pid:)) }
        var samples = [Sample(conversations: 0, residentBytes: rss(), seconds: 0)]
        var done = 0
        while done < options.conversations {
            let block = min(options.sampleEvery, options.conversations - done)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for (index, visitor) in visitors.enumerated() {
                    let share = block / visitors.count + (index < block % visitors.count ? 1 : 0)
                    tasks.addTask { try await self.churn(visitor, count: share) }
                }
                try await tasks.waitForAll()
            }
            done += block
            progress(done)
            samples.append(Sample(conversations: done, residentBytes: rss(), seconds: Double(BenchClock.now() - start) / 1e9))
        }
        return samples
    }

    /// One visitor creates and closes `count` conversations, one at a time.
    private func churn(_ visitor: BenchPeer, count: Int) async throws {
        let team = options.team
        for _ in 0..<count {
            let created = try await visitor.request { .create(Wire.Create(rid: $0, team: team, text: "churn")) }
            guard case .ok(let ok) = created, let conversation = ok.conversation else { throw BenchError.answer(to: "create", created) }
            let closed = try await visitor.request { .close(Wire.Close(rid: $0, conversation: conversation)) }
            guard case .ok = closed else { throw BenchError.answer(to: "close", closed) }
        }
    }
}
