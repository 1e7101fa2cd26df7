import ParleyCore
import ParleyServer

/// A restart at any quiet moment would lose nothing (STORE-6): a server started from what the
/// store holds has the same conversations in memory, the same records, the same queue order
/// and the same agents' loads as the running one.
extension Simulation {
    /// Starts a second server from the store and compares it with the running one; only when
    /// every batch is confirmed (what is unconfirmed is lost by a crash, and no client saw it).
    mutating func checkRecovery() {
        guard core.unconfirmedBatches == 0, writes.isEmpty else { return }
        statistics.checks += 1
        statistics.recoveries += 1
        var fresh = ServerCore(configuration: configuration.server, now: now)
        _ = fresh.recover(store.recovered, now: now)
        let live = core.chat.conversationIDs
        guard fresh.chat.conversationIDs == live else {
            return fail("STORE-6", "recovered conversations \(fresh.chat.conversationIDs) differ from the running \(live)")
        }
        for id in live where fresh.chat.conversation(id) != core.chat.conversation(id) {
            return fail("STORE-6", "\(id) recovered as \(String(describing: fresh.chat.conversation(id))) but is \(String(describing: core.chat.conversation(id)))")
        }
        for team in configuration.server.teams {
            let running = core.chat.queue(of: team)?.entries.map(\.conversation)
            let recovered = fresh.chat.queue(of: team)?.entries.map(\.conversation)
            if running != recovered {
                let detail = (running ?? []).map { id in
                    let m = core.chat.conversation(id)!
                    return "\(id) p\(m.priority) \(m.wireState) since \(m.waitingSince!.rawValue) created \(m.createdAt.rawValue) tags \(m.tags.sorted())"
                }
                return fail("STORE-6, ROUTE-3", "queue \(team) recovered as \(recovered ?? []) but is \(running ?? []): \(detail)")
            }
        }
        var agents: Set<String> = []
        for id in live { if let agent = core.chat.conversation(id)?.agent { agents.insert(agent) } }
        for agent in agents.sorted() where fresh.chat.router.load(of: agent) != core.chat.router.load(of: agent) {
            return fail("STORE-6, ROUTE-7", "\(agent)'s load recovered as \(fresh.chat.router.load(of: agent)) but is \(core.chat.router.load(of: agent))")
        }
    }
}
