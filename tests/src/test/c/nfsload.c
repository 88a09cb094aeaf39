/*
 * nfsload: the operations the interop tests need that libnfs-utils (nfs-ls, nfs-cp, nfs-cat) lack,
 * on libnfs's synchronous API, plus a small load mode. Built by LibnfsInteropIT at test time:
 *
 *     gcc -O2 -Wall -Werror -o nfsload nfsload.c -lnfs
 *
 * Usage: nfsload URL COMMAND ARGS...
 *   URL is the export's libnfs URL (nfs://HOST/EXPORT?nfsport=N&mountport=N&version=3, or without the
 *   ports to ask the portmapper); PATHs are absolute inside the export ("/dir/file").
 *
 *   mkdir PATH | rmdir PATH | unlink PATH | rename FROM TO | symlink TARGET PATH | readlink PATH
 *   stat PATH          prints "type=file|dir|link|other size=N mode=0NNN nlink=N"
 *   list PATH          prints one name per line (without . and ..)
 *   load DIR N SIZE    creates DIR/f0 .. DIR/f(N-1) of SIZE bytes each (a pattern that depends on the
 *                      file and the offset), reads each back and compares, lists DIR, removes the
 *                      files; prints "load: files=N size=SIZE written=B verified=B listed=N removed=N"
 *
 * Exit status: 0 success, 1 an operation failed (the error goes to stderr), 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nfsc/libnfs.h>

#define CHUNK (64 * 1024)

static struct nfs_context *nfs;

static int failed(const char *op, const char *path)
{
	fprintf(stderr, "nfsload: %s %s: %s\n", op, path, nfs_get_error(nfs));
	return 1;
}

static unsigned char pattern(unsigned file, uint64_t offset)
{
	return (unsigned char)(offset * 131u + file * 7u + (offset >> 12));
}

static int do_stat(const char *path)
{
	struct nfs_stat_64 st;
	const char *type;

	if (nfs_lstat64(nfs, path, &st) != 0)
		return failed("stat", path);
	switch (st.nfs_mode & S_IFMT) {
	case S_IFREG: type = "file"; break;
	case S_IFDIR: type = "dir"; break;
	case S_IFLNK: type = "link"; break;
	default: type = "other"; break;
	}
	printf("type=%s size=%" PRIu64 " mode=0%03o nlink=%" PRIu64 "\n", type, st.nfs_size,
	       (unsigned)(st.nfs_mode & 07777), st.nfs_nlink);
	return 0;
}

static int do_list(const char *path, long *count, int print)
{
	struct nfsdir *dir;
	struct nfsdirent *e;

	*count = 0;
	if (nfs_opendir(nfs, path, &dir) != 0)
		return failed("opendir", path);
	while ((e = nfs_readdir(nfs, dir)) != NULL) {
		if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
			continue;
		(*count)++;
		if (print)
			printf("%s\n", e->name);
	}
	nfs_closedir(nfs, dir);
	return 0;
}

static int write_file(const char *path, unsigned file, uint64_t size, uint64_t *written)
{
	struct nfsfh *fh;
	unsigned char buf[CHUNK];
	uint64_t off = 0;

	if (nfs_creat(nfs, path, 0644, &fh) != 0)
		return failed("creat", path);
	while (off < size) {
		uint64_t n = size - off < CHUNK ? size - off : CHUNK;
		uint64_t i;
		int w;

		for (i = 0; i < n; i++)
			buf[i] = pattern(file, off + i);
		w = nfs_pwrite(nfs, fh, off, n, buf);
		if (w <= 0) {
			nfs_close(nfs, fh);
			return failed("pwrite", path);
		}
		off += (uint64_t)w;
		*written += (uint64_t)w;
	}
	if (nfs_close(nfs, fh) != 0)
		return failed("close", path);
	return 0;
}

static int verify_file(const char *path, unsigned file, uint64_t size, uint64_t *verified)
{
	struct nfsfh *fh;
	struct nfs_stat_64 st;
	unsigned char buf[CHUNK];
	uint64_t off = 0;

	if (nfs_stat64(nfs, path, &st) != 0)
		return failed("stat", path);
	if (st.nfs_size != size) {
		fprintf(stderr, "nfsload: %s has %" PRIu64 " bytes, wrote %" PRIu64 "\n", path, st.nfs_size, size);
		return 1;
	}
	if (nfs_open(nfs, path, O_RDONLY, &fh) != 0)
		return failed("open", path);
	while (off < size) {
		uint64_t n = size - off < CHUNK ? size - off : CHUNK;
		uint64_t i;
		int r = nfs_pread(nfs, fh, off, n, buf);

		if (r <= 0) {
			nfs_close(nfs, fh);
			if (r == 0)
				fprintf(stderr, "nfsload: %s ends at %" PRIu64 " of %" PRIu64 "\n", path, off, size);
			return r == 0 ? 1 : failed("pread", path);
		}
		for (i = 0; i < (uint64_t)r; i++) {
			if (buf[i] != pattern(file, off + i)) {
				fprintf(stderr, "nfsload: %s differs at offset %" PRIu64 "\n", path, off + i);
				nfs_close(nfs, fh);
				return 1;
			}
		}
		off += (uint64_t)r;
		*verified += (uint64_t)r;
	}
	nfs_close(nfs, fh);
	return 0;
}

static int do_load(const char *dir, long files, uint64_t size)
{
	char path[4096];
	uint64_t written = 0, verified = 0;
	long listed, removed = 0, i;

	for (i = 0; i < files; i++) {
		snprintf(path, sizeof path, "%s/f%ld", dir, i);
		if (write_file(path, (unsigned)i, size, &written))
			return 1;
	}
	for (i = 0; i < files; i++) {
		snprintf(path, sizeof path, "%s/f%ld", dir, i);
		if (verify_file(path, (unsigned)i, size, &verified))
			return 1;
	}
	if (do_list(dir, &listed, 0))
		return 1;
	for (i = 0; i < files; i++) {
		snprintf(path, sizeof path, "%s/f%ld", dir, i);
		if (nfs_unlink(nfs, path) != 0)
			return failed("unlink", path);
		removed++;
	}
	printf("load: files=%ld size=%" PRIu64 " written=%" PRIu64 " verified=%" PRIu64 " listed=%ld removed=%ld\n",
	       files, size, written, verified, listed, removed);
	return listed == files && written == verified ? 0 : 1;
}

static int run(int argc, char **argv)
{
	const char *cmd = argv[0];
	char link[4096];
	long n;

	if (!strcmp(cmd, "mkdir") && argc == 2)
		return nfs_mkdir(nfs, argv[1]) ? failed("mkdir", argv[1]) : 0;
	if (!strcmp(cmd, "rmdir") && argc == 2)
		return nfs_rmdir(nfs, argv[1]) ? failed("rmdir", argv[1]) : 0;
	if (!strcmp(cmd, "unlink") && argc == 2)
		return nfs_unlink(nfs, argv[1]) ? failed("unlink", argv[1]) : 0;
	if (!strcmp(cmd, "rename") && argc == 3)
		return nfs_rename(nfs, argv[1], argv[2]) ? failed("rename", argv[1]) : 0;
	if (!strcmp(cmd, "symlink") && argc == 3)
		return nfs_symlink(nfs, argv[1], argv[2]) ? failed("symlink", argv[2]) : 0;
	if (!strcmp(cmd, "readlink") && argc == 2) {
		if (nfs_readlink(nfs, argv[1], link, sizeof link) != 0)
			return failed("readlink", argv[1]);
		printf("%s\n", link);
		return 0;
	}
	if (!strcmp(cmd, "stat") && argc == 2)
		return do_stat(argv[1]);
	if (!strcmp(cmd, "list") && argc == 2)
		return do_list(argv[1], &n, 1);
	if (!strcmp(cmd, "load") && argc == 4) {
		char *end1, *end2;
		long files = strtol(argv[2], &end1, 10);
		unsigned long long size = strtoull(argv[3], &end2, 10);

		if (*end1 || *end2 || files < 0) {
			fprintf(stderr, "nfsload: load DIR N SIZE: bad number\n");
			return 2;
		}
		return do_load(argv[1], files, size);
	}
	fprintf(stderr, "nfsload: unknown command or wrong arguments: %s\n", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	struct nfs_url *url;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: nfsload URL COMMAND ARGS...\n");
		return 2;
	}
	nfs = nfs_init_context();
	if (nfs == NULL) {
		fprintf(stderr, "nfsload: cannot create an NFS context\n");
		return 1;
	}
	url = nfs_parse_url_dir(nfs, argv[1]);
	if (url == NULL) {
		fprintf(stderr, "nfsload: %s: %s\n", argv[1], nfs_get_error(nfs));
		nfs_destroy_context(nfs);
		return 2;
	}
	if (nfs_mount(nfs, url->server, url->path) != 0) {
		fprintf(stderr, "nfsload: mount %s:%s: %s\n", url->server, url->path, nfs_get_error(nfs));
		nfs_destroy_url(url);
		nfs_destroy_context(nfs);
		return 1;
	}
	status = run(argc - 2, argv + 2);
	nfs_destroy_url(url);
	nfs_destroy_context(nfs);
	return status;
}
