/* Runs a command N times (posix_spawn, output to /dev/null) and prints the median wall time of
   one run in milliseconds: start-up benchmarks compare civlink and sqlite3 measured the same way. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: spawn-timer N command [args...]\n"); return 64; }
    int n = atoi(argv[1]);
    double *times = malloc(sizeof(double) * (size_t)n);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    for (int i = 0; i < n; i++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        pid_t pid;
        if (posix_spawnp(&pid, argv[2], &actions, NULL, argv + 2, environ) != 0) { perror("posix_spawn"); return 71; }
        int status;
        waitpid(pid, &status, 0);
        clock_gettime(CLOCK_MONOTONIC, &end);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "%s failed (status %d)\n", argv[2], status); return 1; }
        times[i] = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
    }
    qsort(times, (size_t)n, sizeof(double), compare);
    printf("%.3f\n", times[n / 2]);
    return 0;
}
