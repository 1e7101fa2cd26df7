import Hummingbird
import ParleyWeb

/// The chat's browser side, served by the shop from the copies built into ParleyWeb: the
/// visitor widget, the JavaScript client it loads, and the agent console.
enum WebAssetRoutes {
    /// The files served, each at `/<file name>`.
    static let files: Set<String> = ["widget.js", "parley.js", "console.html", "console.js", "console.css", "favicon.svg"]

    static func add(to router: Router<ShopContext>) {
        for asset in WebAssets.all where files.contains(asset.file) {
            let body = ByteBuffer(string: asset.text)
            router.get(RouterPath("/" + asset.file)) { _, _ in
                Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"], body: .init(byteBuffer: body))
            }
        }
    }
}
