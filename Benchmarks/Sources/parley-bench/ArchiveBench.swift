import BenchSupport
import CAllocCounter
import Glibc
import ParleyCore
import ParleyServer
import ParleyWire

/// `archive`: the server core's memory and CPU over 100,000 conversations created and closed
/// (issue 16's "state has a lifetime"), with the archive kept in memory (the baseline: no store)
/// and with it left to a store (``LiveChatConfiguration/keepsArchive`` off; the store is outside
/// the process, so its writes are counted and dropped here). Heap in use is glibc's
/// count (`parley_heap_in_use`), read every 10,000 conversations.
struct ArchiveBench: BenchSuite {
    let name = "archive"
    static let conversations = 100_000
    static let step = 10_000

    func run() {
        print("\n== archive: 100,000 conversations created and closed by one visitor and one agent ==")
        print("conversations   heap MB (store)   heap MB (in memory)   µs/conv (store)   µs/conv (in memory)")
        var store = Driver(keepsArchive: false)
        let withStore = store.churn()
        var memory = Driver(keepsArchive: true)
        let inMemory = memory.churn()
        for (index, (a, b)) in zip(withStore, inMemory).enumerated() {
            let count = (index + 1) * Self.step
            print(pad("\(count)", 16) + pad(fmt(a.heapMB, 1), 18) + pad(fmt(b.heapMB, 1), 22) + pad(fmt(a.microsPerConversation, 2), 18)
                  + fmt(b.microsPerConversation, 2))
        }
        print("conversations in memory at the end: \(store.server.core.chat.conversationsInMemory) (store), "
              + "\(memory.server.core.chat.conversationsInMemory) (in memory); changes written: \(store.server.changes)")
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }

    /// One sample: heap in use, and CPU per conversation since the previous sample.
    struct Sample {
        var heapMB: Double
        var microsPerConversation: Double
    }

    /// A core with one accepting agent and one visitor, both acknowledging what they get.
    struct Driver {
        var server: InProcessServer
        var agent = ConnectionID(rawValue: 0)
        var visitor = ConnectionID(rawValue: 0)
        var lastSeq: [ConnectionID: UInt64] = [:]
        var created: String?

        init(keepsArchive: Bool) {
            var session = SessionConfiguration()
            session.messageRate = 1_000_000
            session.messageBurst = 1_000_000
            session.idempotencyWindowMs = 1_000
            var chat = LiveChatConfiguration()
            chat.keepsArchive = keepsArchive
            chat.reopenWindowMs = 1_000
            let configuration = ServerConfiguration(
                key: Array("archive bench key, thirty-two b!".utf8), teams: ["support"], session: session, chat: chat)
            let now = Instant(milliseconds: 1_800_000_000_000)
            server = InProcessServer(configuration: configuration, now: now)
            let token = server.core.mintToken(TokenClaims(user: "ana", role: .agent, teams: ["support"], expiresAt: now.adding(milliseconds: 86_400_000)))
            agent = connect(Wire.Auth(scheme: "token", credential: token))
            visitor = connect(Wire.Auth(scheme: "anonymous"))
            note(server.command({ .agentStatus(Wire.AgentStatus(rid: $0, routing: .accepting)) }, on: agent))
        }

        mutating func connect(_ auth: Wire.Auth) -> ConnectionID {
            let (id, writes) = server.connect(auth)
            note(writes)
            return id
        }

        /// Notes sequence numbers and the conversation a `create` made.
        mutating func note(_ writes: InProcessServer.Writes) {
            for (id, items) in writes {
                for item in items {
                    if case .event(let seq, _) = item { lastSeq[id] = seq }
                    if case .ok(let ok) = item.message, let conversation = ok.conversation { created = conversation }
                }
            }
        }

        mutating func command(_ make: (UInt64) -> Message, on id: ConnectionID) {
            note(server.command(make, on: id))
        }

        /// Creates and closes conversations, a sample every ``ArchiveBench/step``.
        mutating func churn() -> [Sample] {
            var samples: [Sample] = []
            var cpu = Self.cpuMicros()
            for index in 1...ArchiveBench.conversations {
                created = nil
                command({ .create(Wire.Create(rid: $0, text: "hello")) }, on: visitor)
                if let conversation = created { command({ .close(Wire.Close(rid: $0, conversation: conversation)) }, on: agent) }
                server.now = server.now.adding(milliseconds: 20)
                if index % 50 == 0 {
                    note(server.perform(server.core.tick(now: server.now)))
                    for id in [agent, visitor] {
                        note(server.perform(server.core.receive(.ack(Wire.Ack(seq: lastSeq[id] ?? 0)), on: id, now: server.now)))
                    }
                }
                if index % ArchiveBench.step == 0 {
                    let spent = Self.cpuMicros() - cpu
                    samples.append(Sample(heapMB: Double(parley_heap_in_use()) / 1_048_576, microsPerConversation: spent / Double(ArchiveBench.step)))
                    cpu = Self.cpuMicros()
                }
            }
            return samples
        }

        static func cpuMicros() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
            return Double(time.tv_sec) * 1_000_000 + Double(time.tv_nsec) / 1_000
        }
    }
}
