import ParleyCore
import ParleyWire

/// Administration at run time for embedders of the running server: the
/// ``ServerCore`` administration inputs (ROUTE-16) under the server's lock, on its clock, with
/// their deliveries carried out.
///
/// ```swift
/// server.addTeam("billing")
/// try server.setAgent("ann", AgentProfile(teams: ["billing"], maxConcurrent: 4))
/// server.removeAgent("bob")
/// ```
extension ParleyServer {
    /// Adds a team, or changes an existing team's default concurrency limit (`nil`: the
    /// configured default). See ``ServerCore/addTeam(_:defaultMaxConcurrent:now:)``.
    public func addTeam(_ id: String, defaultMaxConcurrent: Int? = nil) {
        run { state, now in ((), state.core.addTeam(id, defaultMaxConcurrent: defaultMaxConcurrent, now: now)) }
    }

    /// Removes a team, moving its agents and conversations to `target` (`nil`: the default
    /// team). See ``ServerCore/removeTeam(_:movingTo:now:)``.
    ///
    /// - Throws: the `CommandError` that refused it; nothing changed then.
    public func removeTeam(_ id: String, movingTo target: String? = nil) throws(CommandError) {
        let refusal: CommandError? = run { state, now in
            switch state.core.removeTeam(id, movingTo: target, now: now) {
            case .success(let outputs): return (nil, outputs)
            case .failure(let error): return (error, [])
            }
        }
        if let refusal { throw refusal }
    }

    /// Registers an agent, or changes a registered agent's teams, skills and cap. See
    /// ``ServerCore/setAgent(_:_:now:)``.
    ///
    /// - Throws: the `CommandError` that refused the profile (`TEAM_NOT_FOUND`); nothing
    ///   changed then.
    public func setAgent(_ id: String, _ profile: AgentProfile) throws(CommandError) {
        let refusal: CommandError? = run { state, now in
            switch state.core.setAgent(id, profile, now: now) {
            case .success(let outputs): return (nil, outputs)
            case .failure(let error): return (error, [])
            }
        }
        if let refusal { throw refusal }
    }

    /// Removes an agent; their conversations are re-routed. See
    /// ``ServerCore/removeAgent(_:now:)``.
    public func removeAgent(_ id: String) {
        run { state, now in ((), state.core.removeAgent(id, now: now)) }
    }
}
