import BenchSupport
import ParleyCore
import ParleyWire

/// `routing`: assignments per second with 1,000 agents at capacity and a queue of 1,000,
/// 10,000 and 100,000 waiting conversations (ROUTE-12), against a naive router that scans
/// the queue and the agents linearly, measured in the same run.
///
/// One operation: an agent closes a conversation, takes the best waiting one (priority, then
/// age), and a new visitor joins the back of the queue, so the queue keeps its size.
struct RoutingBench: BenchSuite {
    let name = "routing"
    let agentCount = 1_000

    func run() {
        var report = Report("routing: 1,000 agents at capacity, steady queue")
        for waiting in [1_000, 10_000, 100_000] {
            let naive = measureNaive(waiting: waiting, operations: waiting >= 100_000 ? 500 : 2_000)
            let router = measureRouter(waiting: waiting, operations: 20_000)
            report.add(naive)
            report.add(router, against: naive)
        }
        report.print()
    }

    /// The ``ConversationRouter`` under the steady workload.
    private func measureRouter(waiting: Int, operations: Int) -> Measurement {
        var router = ConversationRouter(defaultMaxConcurrent: 1)
        var now = Instant(milliseconds: 0)
        _ = router.addTeam("t", defaultMaxConcurrent: 1, now: now)
        let agents = (0..<agentCount).map { "a\($0)" }
        for agent in agents {
            _ = router.registerAgent(agent, teams: ["t"], skills: [], now: now)
            _ = router.setStatus(.accepting, of: agent, now: now)
        }
        let total = agentCount + waiting + operations * 7
        let ids = (0..<total).map { "c\($0)" }
        var random = SplitMix64(seed: 7)
        let priorities = (0..<total).map { _ in UInt32(random.next() % 3) }
        var current = [String](repeating: "", count: agentCount)
        var next = 0
        for index in 0..<(agentCount + waiting) {
            let (placement, _) = router.enqueue(ids[index], team: "t", priority: priorities[index], tags: [], now: now)
            if case .assigned(let agent) = placement { current[Int(agent.dropFirst())!] = ids[index] }
            next += 1
        }
        var turn = 0
        return measure("ConversationRouter, \(waiting) waiting", operations: operations) {
            for _ in 0..<operations {
                now = now.adding(milliseconds: 1)
                let agent = turn % agentCount
                turn += 1
                let assignments = router.remove(current[agent], releasing: "a\(agent)", now: now)
                current[agent] = assignments[0].conversation
                _ = router.enqueue(ids[next], team: "t", priority: priorities[next], tags: [], now: now)
                next += 1
            }
        }
    }

    /// The linear-scan baseline under the same workload.
    private func measureNaive(waiting: Int, operations: Int) -> Measurement {
        var naive = NaiveRouter(agents: agentCount)
        var random = SplitMix64(seed: 7)
        for index in 0..<waiting { naive.enqueue(id: index, priority: Int(random.next() % 3)) }
        var next = waiting
        var turn = 0
        return measure("naive linear scan, \(waiting) waiting", operations: operations) {
            for _ in 0..<operations {
                let agent = turn % agentCount
                turn += 1
                naive.free(agent: agent)
                naive.enqueue(id: next, priority: Int(random.next() % 3))
                next += 1
            }
        }
    }
}

/// The baseline: waiting conversations in an array scanned for the best one, agents in an
/// array scanned for the least loaded — what a router without ordered structures does.
private struct NaiveRouter {
    var waiting: [(id: Int, priority: Int, ticket: Int)] = []
    var loads: [Int]
    var idleSince: [Int]
    var clock = 0

    init(agents: Int) {
        loads = Array(repeating: 1, count: agents)
        idleSince = Array(repeating: 0, count: agents)
    }

    /// A new conversation: to the least-loaded agent below the limit of 1, else queued.
    mutating func enqueue(id: Int, priority: Int) {
        clock += 1
        var best = -1
        for agent in loads.indices where loads[agent] < 1 {
            if best < 0 || (loads[agent], idleSince[agent]) < (loads[best], idleSince[best]) { best = agent }
        }
        if best >= 0 {
            loads[best] += 1
            idleSince[best] = clock
        } else {
            waiting.append((id, priority, clock))
        }
    }

    /// An agent's conversation closes: they take the highest-priority, oldest waiting one.
    mutating func free(agent: Int) {
        loads[agent] -= 1
        var best = -1
        for index in waiting.indices {
            if best < 0 || waiting[index].priority > waiting[best].priority
                || (waiting[index].priority == waiting[best].priority && waiting[index].ticket < waiting[best].ticket) {
                best = index
            }
        }
        guard best >= 0 else { return }
        waiting.remove(at: best)
        loads[agent] += 1
        idleSince[agent] = clock
    }
}
