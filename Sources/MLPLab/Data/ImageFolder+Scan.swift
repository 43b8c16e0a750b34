import Foundation

extension ImageFolder {
    /// What a scan found: the classes, the image files in torchvision's order, the entries that
    /// are not images, and the image entries that cannot be used (only with `skipUnreadable`).
    public struct Listing: Sendable {
        /// Class folder names, sorted.
        public var classNames: [String]
        /// The image files, class after class, in torchvision's order.
        public var files: [File]
        /// Entries that are not images by their name, relative to the folder (names that are
        /// not UTF-8 escaped as `\xNN`).
        public var ignored: [String]
        /// Image entries left out with `skipUnreadable`, and why: dangling links, link loops,
        /// pipes, sockets and devices, names that are not UTF-8, folders that cannot be listed.
        public var skipped: [ImageFolderReport.SkippedFile]
    }

    /// The class names and image files of `root`, without decoding anything; throws at the first
    /// unusable entry (`scan(_:options:)` can skip them instead).
    public static func scan(_ root: String, maximumFiles: Int = ImageFolderOptions().maximumFiles)
        throws -> (classNames: [String], files: [File], ignored: [String])
    {
        var options = ImageFolderOptions()
        options.maximumFiles = maximumFiles
        let listing = try scan(root, options: options)
        return (listing.classNames, listing.files, listing.ignored)
    }

    /// The class names and image files of `root`, without decoding anything.
    ///
    /// Each entry is judged by its name before the file is touched, as torchvision does: hidden
    /// names (leading ".") are passed over, names without an image extension are only counted as
    /// ignored (a dangling link, a pipe or an unreadable file among them never matters; one is
    /// stat-ed only when the folder does not say whether it is a folder). An entry with an image
    /// extension must be a readable, regular file with a UTF-8 name: anything else (a dangling
    /// link, a link loop, a pipe, socket or device, a name that is not UTF-8, a sub-folder that
    /// cannot be listed) stops the scan with one line naming it, or, with
    /// `options.skipUnreadable`, is left out and listed in `skipped`. A class folder is never
    /// skipped: that would change the classes, and every class index after it.
    public static func scan(_ root: String, options: ImageFolderOptions) throws -> Listing {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { throw DatasetError.notFound(path: root) }
        guard isDirectory.boolValue else {
            throw DatasetError.unreadable(path: root, reason: "it is a file, not a folder of class folders")
        }
        var listing = Listing(classNames: [], files: [], ignored: [], skipped: [])
        var problems: [(relative: String, error: DatasetError)] = []
        var found = 0  // image files so far, against options.maximumFiles
        var emptyClasses: [String] = []
        let rootIdentity = try DirectoryWalk.identity(of: root)

        // Classes: the sub-folders (links followed). A dangling link or a link loop at the top is
        // not a class (as in torchvision), nor is a link back to the folder itself (torchvision
        // would walk it forever); they are listed as ignored, so a lost class does not go unseen.
        var classFolders: [(entry: DirectoryWalk.Entry, identity: DirectoryWalk.Identity)] = []
        for entry in try DirectoryWalk.entries(of: root) where !entry.isHidden && !entry.isSurelyNotDirectory {
            switch DirectoryWalk.status(of: entry.rawPath) {
            case let .success(status) where status.isDirectory && status.identity == rootIdentity:
                listing.ignored.append(entry.name)
            case let .success(status) where status.isDirectory:
                guard entry.isUTF8 else { throw DatasetError.classNameNotUTF8(path: root, escaped: entry.name) }
                classFolders.append((entry, status.identity))
            case .success: break
            case .failure: listing.ignored.append(entry.name)
            }
        }
        guard !classFolders.isEmpty else { throw DatasetError.noClassFolders(path: root) }

        for (label, (folder, classIdentity)) in classFolders.enumerated() {
            let classPath = (root.hasSuffix("/") ? root : root + "/") + folder.name
            // (folder path relative to root, its image files sorted by name), walked with loop detection.
            var folders: [(path: String, files: [File])] = []
            func walk(_ path: String, relative: String, ancestors: Set<DirectoryWalk.Identity>, identity: DirectoryWalk.Identity) throws {
                var files: [File] = []
                for entry in try DirectoryWalk.entries(of: path) where !entry.isHidden {
                    let child = relative + "/" + entry.name
                    let childPath = path + "/" + entry.name
                    let isImage = isImageFileName(entry.name)
                    // A name that is not an image's: ignored without a look, unless it may be a folder.
                    if !isImage && entry.isSurelyNotDirectory {
                        listing.ignored.append(child)
                        continue
                    }
                    let status: DirectoryWalk.Status
                    switch DirectoryWalk.status(of: entry.rawPath) {
                    case let .success(value): status = value
                    case let .failure(failure):
                        // torchvision takes a link it cannot follow for a file, judged by its name.
                        if isImage {
                            problems.append((child, .unusableFile(path: childPath, reason: failure.reason, fix: failure.fix)))
                        } else {
                            listing.ignored.append(child)
                        }
                        continue
                    }
                    if status.isDirectory {
                        guard entry.isUTF8 else {
                            problems.append((child, .nameNotUTF8(directory: path, escaped: entry.name)))
                            continue
                        }
                        let ancestry = ancestors.union([identity])
                        guard !ancestry.contains(status.identity) else {
                            problems.append((child, .symlinkLoop(path: childPath)))
                            continue
                        }
                        do {
                            try walk(childPath, relative: child, ancestors: ancestry, identity: status.identity)
                        } catch let DatasetError.unreadable(_, reason) {
                            // A sub-folder that cannot be listed (no permission): skippable like a file.
                            problems.append((child, .unusableFile(path: childPath, reason: reason, fix: "Make the folder readable")))
                        }
                    } else if !isImage {
                        listing.ignored.append(child)
                    } else if !entry.isUTF8 {
                        problems.append((child, .nameNotUTF8(directory: path, escaped: entry.name)))
                    } else if !status.isRegularFile {
                        problems.append((child, .unusableFile(path: childPath, reason: "it is a pipe, socket or device, not a regular file",
                                                              fix: "Remove it")))
                    } else {
                        files.append(File(relativePath: child, label: Int32(label), size: status.size, modified: status.modified,
                                          changed: status.changed, inode: status.identity.inode))
                        found += 1
                        guard found <= options.maximumFiles else {
                            throw DatasetError.tooManyFiles(path: root, count: found, limit: options.maximumFiles)
                        }
                    }
                }
                folders.append((relative, files))
            }
            try walk(classPath, relative: folder.name, ancestors: [rootIdentity], identity: classIdentity)
            folders.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            let before = listing.files.count
            listing.files += folders.flatMap(\.files)
            if listing.files.count == before { emptyClasses.append(classPath) }
        }
        if !problems.isEmpty && !options.skipUnreadable {
            throw problems.count == 1 ? problems[0].error : DatasetError.andMore(problems[0].error, more: problems.count - 1)
        }
        listing.skipped = problems.map { ImageFolderReport.SkippedFile(path: $0.relative, reason: $0.error.reason) }
        if let empty = emptyClasses.first { throw DatasetError.emptyClass(path: empty) }
        listing.classNames = classFolders.map(\.entry.name)
        return listing
    }
}
