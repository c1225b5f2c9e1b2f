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
        // libssl for the HTTPS client (Transfer/HTTP). Beside CCrypto both modules may be imported
        // in one file: they include the same OpenSSL headers and the declarations merge.
        .systemLibrary(
            name: "CTLS",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Every rule: no exit codes, no option names, no shell commands in its messages.
        .target(
            name: "CivlinkCore",
            dependencies: ["CSQLite", "CCrypto", "CTLS"]
        ),
        // The command line: the command table, options, output, messages in English and
        // Vietnamese, and the one mapping from failure kinds to exit codes.
        .target(
            name: "CivlinkCLI",
            dependencies: ["CivlinkCore"]
        ),
        .executableTarget(
            name: "civlink",
            dependencies: ["CivlinkCLI"]
        ),
        // Fixtures shared by the test targets: sandboxes, processes, declarations, ledgers.
        .target(
            name: "CivlinkTestSupport",
            dependencies: ["CivlinkCore"],
            path: "Tests/CivlinkTestSupport"
        ),
        .testTarget(
            name: "CivlinkCoreTests",
            dependencies: ["CivlinkCore", "CivlinkTestSupport"]
        ),
        .testTarget(
            name: "CivlinkCLITests",
            dependencies: ["CivlinkCLI", "CivlinkTestSupport"]
        ),
        .testTarget(
            name: "CivlinkE2ETests",
            dependencies: ["civlink", "CivlinkTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CivlinkReliabilityTests",
            dependencies: ["civlink", "CivlinkTestSupport"]
        ),
    ]
)
