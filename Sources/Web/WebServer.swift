import Foundation
import SluiceApp
import SluiceCore
import SluicePublish

/// Everything `sluice serve` can set.
public struct WebOptions: Sendable {
    public var daemon: HTTPDaemonOptions
    /// Where the site's feeds say they are (`site.base_url`, or `--base-url`): their self links and ids.
    public var site: SiteOptions
    /// When set, the column and the feeds need this shared member token (only its SHA-256 is kept).
    public var memberTokenSHA256: String?
    /// The reverse proxy's address: only its `X-Forwarded-For` is believed.
    public var trustedProxy: String?
    /// Requests per minute per client address (with `addressBurst` at once), for every route.
    public var requestsPerMinutePerAddress = 600
    public var addressBurst = 120
    /// Submissions per minute per volunteer (with `submissionBurst` at once).
    public var submissionsPerMinutePerVolunteer = 20
    public var submissionBurst = 10
    /// How long a rendered form may be sent.
    public var formLifetime: TimeInterval = 6 * 3600

    public init(daemon: HTTPDaemonOptions, site: SiteOptions = SiteOptions()) {
        self.daemon = daemon
        self.site = site
    }
}

/// What the web front end calls: App's use cases, never the store's SQL.
public struct WebServices: Sendable {
    public var intake: WebIntake
    public var invitations: InvitationService
    public var publishing: PublishingService
    public var clock: any TimeSource

    public init(intake: WebIntake, invitations: InvitationService, publishing: PublishingService,
                clock: any TimeSource = SystemClock()) {
        self.intake = intake
        self.invitations = invitations
        self.publishing = publishing
        self.clock = clock
    }
}

/// The web intake and the published column, served by sluice itself: starts listening in `init` on
/// threads of its own and returns, so `sluice serve` waits for a signal and another command (a watching
/// run) can serve beside its own work; `stop()` (or releasing it) closes every connection.
public final class WebServer: Sendable {
    private let daemon: HTTPDaemon
    public let application: WebApplication

    /// `log` receives one line per request (the route, never a token; the volunteer's name), from any thread.
    public init(options: WebOptions, services: WebServices,
                log: @escaping @Sendable (String) -> Void = { _ in }) throws(HTTPDaemonError) {
        application = WebApplication(options: options, services: services, log: log)
        daemon = try HTTPDaemon(options: options.daemon, handler: application)
    }

    public var port: UInt16 { daemon.port }

    public func stop() {
        daemon.stop()
    }
}
