/* The file-system floor of a tree: the same directories and files as an existing tree (kpki's or
 * the kubeadm way's), contents read into memory first, then written with the plainest calls --
 * mkdir, open(O_CREAT|O_EXCL) + write + close per file, one syncfs() at the end -- and timed.
 * No temporary files, no renames, no per-group sync: what a writer without crash safety pays.
 * docs/backends.md "Where the time goes" sets kpki's figures beside it (issue 24).
 *
 *   cc -O2 -o /tmp/fs_floor bench/fs_floor.c
 *   /tmp/fs_floor SOURCE-TREE NEW-DIR        (NEW-DIR must not exist; on the same file system)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct entry {
  char *rel; /* path below the tree */
  int is_dir;
  mode_t mode;
  char *data;
  size_t size;
};

static struct entry *entries;
static size_t count, capacity, source_len;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)ftw;
  if (strlen(path) <= source_len) return 0; /* the root itself */
  if (type != FTW_F && type != FTW_D) return 0;
  if (count == capacity) {
    capacity = capacity ? 2 * capacity : 1024;
    entries = realloc(entries, capacity * sizeof *entries);
    if (!entries) return -1;
  }
  struct entry *e = &entries[count++];
  e->rel = strdup(path + source_len);
  e->is_dir = type == FTW_D;
  e->mode = st->st_mode & 07777;
  e->data = NULL;
  e->size = 0;
  if (!e->is_dir) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    e->data = malloc((size_t)st->st_size + 1);
    ssize_t n = read(fd, e->data, (size_t)st->st_size);
    close(fd);
    if (n != st->st_size) return -1;
    e->size = (size_t)n;
  }
  return 0;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(int who, int user) {
  struct rusage u;
  getrusage(who, &u);
  struct timeval t = user ? u.ru_utime : u.ru_stime;
  return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SOURCE-TREE NEW-DIR\n", argv[0]);
    return 2;
  }
  source_len = strlen(argv[1]);
  if (nftw(argv[1], collect, 64, FTW_PHYS) != 0) {
    fprintf(stderr, "fs_floor: cannot read %s\n", argv[1]);
    return 1;
  }
  char path[4096];
  size_t files = 0, bytes = 0;
  double u0 = cpu(RUSAGE_SELF, 1), s0 = cpu(RUSAGE_SELF, 0), t0 = now();
  if (mkdir(argv[2], 0700) != 0) {
    perror(argv[2]);
    return 1;
  }
  for (size_t i = 0; i < count; ++i) { /* nftw lists a directory before what it holds */
    struct entry *e = &entries[i];
    snprintf(path, sizeof path, "%s%s", argv[2], e->rel);
    if (e->is_dir) {
      if (mkdir(path, e->mode) != 0) {
        perror(path);
        return 1;
      }
      continue;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, e->mode);
    if (fd < 0 || write(fd, e->data, e->size) != (ssize_t)e->size || close(fd) != 0) {
      perror(path);
      return 1;
    }
    ++files;
    bytes += e->size;
  }
  int dir = open(argv[2], O_RDONLY | O_DIRECTORY);
  if (dir < 0 || syncfs(dir) != 0) {
    perror("syncfs");
    return 1;
  }
  close(dir);
  double wall = now() - t0;
  printf("fs_floor: %zu files (%zu bytes) in %zu entries: %.3f s wall, %.3f s user, %.3f s sys\n",
         files, bytes, count, wall, cpu(RUSAGE_SELF, 1) - u0, cpu(RUSAGE_SELF, 0) - s0);
  return 0;
}
