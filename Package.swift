// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "civlink",
    products: [
        .executable(name: "civlink", targets: ["civlink"]),
        .library(name: "CivlinkCore", targets: ["CivlinkCore"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "CivlinkCore",
            dependencies: ["CSQLite", "CCrypto"]
        ),
        .executableTarget(
            name: "civlink",
            dependencies: ["CivlinkCore"]
        ),
        .testTarget(
            name: "CivlinkCoreTests",
            dependencies: ["CivlinkCore"]
        ),
        .testTarget(
            name: "CivlinkE2ETests",
            dependencies: ["civlink"],
            exclude: ["Fixtures"]
        ),
    ]
)
