import Logging
import ParleyServer
import ServiceLifecycle

/// Removes archived conversations older than the retention period at start and then every
/// hour (STORE-7, `--retain-days`).
struct RetentionService: Service {
    let server: ParleyServer
    let days: Int
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let removed = try await server.purgeArchive(olderThanDays: days)
                if removed > 0 { logger.info("retention: removed \(removed) archived conversations older than \(days) days") }
            } catch {
                logger.error("retention: the store could not purge: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3_600)) }
        }
    }
}
