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
        print("conversations in memory at the end: \(store.core.chat.conversationsInMemory) (store), "
              + "\(memory.core.chat.conversationsInMemory) (in memory); changes written: \(store.changes)")
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }

    /// One sample: heap in use, and CPU per conversation since the previous sample.
    struct Sample {
        var heapMB: Double
        var microsPerConversation: Double
    }

    /// A core with one accepting agent and one visitor, both acknowledging what they get.
    struct Driver {
        var core: ServerCore
        var reference: ReferenceAuthenticator
        var now = Instant(milliseconds: 1_800_000_000_000)
        var agent = ConnectionID(rawValue: 0)
        var visitor = ConnectionID(rawValue: 0)
        var lastSeq: [ConnectionID: UInt64] = [:]
        var rid: UInt64 = 10
        var created: String?
        var changes = 0

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
            core = ServerCore(configuration: configuration, now: now)
            reference = ReferenceAuthenticator(configuration: configuration)
            let token = core.mintToken(TokenClaims(user: "ana", role: .agent, teams: ["support"], expiresAt: now.adding(milliseconds: 86_400_000)))
            agent = connect(Wire.Auth(scheme: "token", credential: token))
            visitor = connect(Wire.Auth(scheme: "anonymous"))
            perform(core.receive(.agentStatus(Wire.AgentStatus(rid: 2, routing: .accepting)), on: agent, now: now))
        }

        mutating func connect(_ auth: Wire.Auth) -> ConnectionID {
            let (id, outputs) = core.open(now: now, from: .loopback)
            perform(outputs)
            perform(core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth)), on: id, now: now))
            return id
        }

        /// Carries out outputs: writes confirmed at once (and counted), sequence numbers noted.
        mutating func perform(_ outputs: [ServerOutput]) {
            for output in core.answeringAuthentication(outputs, with: &reference, now: now) {
                switch output {
                case .persist(let batch):
                    changes += batch.changes.count
                    perform(core.persisted(batch.id))
                case .send(let id, let items):
                    for item in items {
                        if case .event(let seq, _) = item { lastSeq[id] = seq }
                        if case .ok(let ok) = item.message, let conversation = ok.conversation { created = conversation }
                    }
                case .load(let request):
                    perform(core.loaded(request.id, ArchivedConversations(), now: now))
                case .close, .measured, .authenticate:
                    break
                }
            }
        }

        mutating func command(_ make: (UInt64) -> Message, on id: ConnectionID) {
            rid += 1
            perform(core.receive(make(rid), on: id, now: now))
        }

        /// Creates and closes conversations, a sample every ``ArchiveBench/step``.
        mutating func churn() -> [Sample] {
            var samples: [Sample] = []
            var cpu = Self.cpuMicros()
            for index in 1...ArchiveBench.conversations {
                created = nil
                command({ .create(Wire.Create(rid: $0, text: "hello")) }, on: visitor)
                if let conversation = created { command({ .close(Wire.Close(rid: $0, conversation: conversation)) }, on: agent) }
                now = now.adding(milliseconds: 20)
                if index % 50 == 0 {
                    perform(core.tick(now: now))
                    for id in [agent, visitor] { perform(core.receive(.ack(Wire.Ack(seq: lastSeq[id] ?? 0)), on: id, now: now)) }
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
