#!/bin/sh
# gcc.t: gcc (driver, cc1, as, ld: all under the shim) compiles a C program at
# -O2; the object file must be byte-identical and the program's output the same.
. "$(dirname "$0")/common.sh"
need gcc md5sum
cat >"$tmp/prog.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node { struct node *l, *r; int key; char name[24]; };
static struct node *insert(struct node *t, int k)
{
	if (!t) {
		t = calloc(1, sizeof *t);
		t->key = k;
		snprintf(t->name, sizeof t->name, "n%d", k);
		return t;
	}
	if (k < t->key) t->l = insert(t->l, k);
	else if (k > t->key) t->r = insert(t->r, k);
	return t;
}
static long walk(const struct node *t, int depth, int *maxd)
{
	if (!t) return 0;
	if (depth > *maxd) *maxd = depth;
	return t->key + (long)strlen(t->name) + walk(t->l, depth + 1, maxd) + walk(t->r, depth + 1, maxd);
}
static int cmp(const void *a, const void *b) { return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b); }
int main(void)
{
	unsigned s = 1;
	struct node *t = NULL;
	int *v = malloc(200000 * sizeof *v);
	for (int i = 0; i < 200000; i++) {
		s = s * 1103515245u + 12345u;
		v[i] = (int)(s >> 8) % 1000000;
		t = insert(t, v[i]);
	}
	qsort(v, 200000, sizeof *v, cmp);
	int maxd = 0;
	long sum = walk(t, 0, &maxd);
	printf("sum %ld depth %d min %d max %d median %d\n", sum, maxd, v[0], v[199999], v[100000]);
	char *buf = NULL;
	size_t len = 0;
	for (int i = 0; i < 10000; i++) {
		buf = realloc(buf, len + 16);
		len += (size_t)sprintf(buf + len, "%d,", v[i * 20]);
	}
	printf("len %zu tail %s\n", len, buf + len - 20);
	free(buf);
	free(v);
	return 0;
}
C
cat >"$tmp/work.sh" <<SH
set -e
cp "$tmp/prog.c" prog.c
gcc -O2 -Wall -c prog.c -o prog.o
md5sum prog.o
gcc -O2 -o prog prog.o
./prog
gcc -O0 -g -Wall -Wextra -fsanitize=undefined -o prog2 prog.c
./prog2
SH
compare gcc sh "$tmp/work.sh"
