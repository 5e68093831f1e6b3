/* report_sym.c: names for call-site frames the shim left unsymbolised
 * (stripped of nothing but read at report time without a symbol), from the
 * module's own ELF .symtab or .dynsym, and the display name of each site.
 * It reads module files named by reports, which may come from another
 * machine or be hostile: only regular files, every offset bounds-checked,
 * never executed or loaded. A module that cannot be read leaves the
 * "module+0xoffset" form; nothing here fails the report. */
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report.h"

#define MAX_MODULES 256
#define MAX_MODULE_BYTES (1ull << 31)

struct fsym {
	uint64_t value, size;
	const char *name;      /* into the module's mapping */
};

struct module {
	char *path;
	void *map[2];          /* the module, and its separate debug file */
	size_t len[2];
	struct fsym *syms;
	size_t nsyms;
};

struct symtab {
	struct module mods[MAX_MODULES];
	size_t n;
};

static int cmp_fsym(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}


/* A section header or symbol in either ELF class. */
struct elf;
static bool in_file(const struct elf *e, uint64_t off, uint64_t len);
struct sec {
	uint32_t type, link;
	uint64_t offset, size, entsize;
};

struct esym {
	uint32_t name;
	unsigned char info;
	uint64_t value, size;
};

struct elf {
	const unsigned char *base;
	size_t len;
	bool is64;
	uint64_t shoff;
	size_t shnum, shentsize;
};

static bool in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->len && len <= e->len - off;
}

static void get_sec(const struct elf *e, size_t i, struct sec *s)
{
	const unsigned char *p = e->base + e->shoff + i * e->shentsize;

	if (e->is64) {
		const Elf64_Shdr *h = (const Elf64_Shdr *)p;

		*s = (struct sec){ h->sh_type, h->sh_link, h->sh_offset, h->sh_size, h->sh_entsize };
	} else {
		const Elf32_Shdr *h = (const Elf32_Shdr *)p;

		*s = (struct sec){ h->sh_type, h->sh_link, h->sh_offset, h->sh_size, h->sh_entsize };
	}
}

static void get_sym(const struct elf *e, const unsigned char *p, struct esym *y)
{
	if (e->is64) {
		const Elf64_Sym *s = (const Elf64_Sym *)p;

		*y = (struct esym){ s->st_name, s->st_info, s->st_value, s->st_size };
	} else {
		const Elf32_Sym *s = (const Elf32_Sym *)p;

		*y = (struct esym){ s->st_name, s->st_info, s->st_value, s->st_size };
	}
}

/* Adds the function symbols of one symbol-table section. */
static void add_syms(struct module *m, const struct elf *e, const struct sec *sh)
{
	size_t esz = e->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	struct sec str;
	struct fsym *v;
	size_t cnt;

	if (sh->link >= e->shnum || sh->entsize < esz || !in_file(e, sh->offset, sh->size))
		return;
	get_sec(e, sh->link, &str);
	if (!str.size || !in_file(e, str.offset, str.size))
		return;
	cnt = sh->size / sh->entsize;
	v = realloc(m->syms, (m->nsyms + cnt) * sizeof *m->syms);
	if (!v)
		return;
	m->syms = v;
	for (size_t k = 0; k < cnt; k++) {
		struct esym y;
		int type;

		get_sym(e, e->base + sh->offset + k * sh->entsize, &y);
		type = y.info & 0xf;
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !y.value || y.name >= str.size)
			continue;
		/* The name must end inside its string table. */
		if (!memchr(e->base + str.offset + y.name, '\0', str.size - y.name))
			continue;
		v[m->nsyms++] = (struct fsym){ y.value, y.size,
					       (const char *)e->base + str.offset + y.name };
	}
}

/* Maps path read-only into *map and fills e. Returns false (nothing left
 * mapped) when it is not a readable ELF file of this byte order. */
static bool elf_open(const char *path, struct elf *e, void **map, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	*map = NULL;
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr) ||
	    (uint64_t)st.st_size > MAX_MODULE_BYTES) {
		close(fd);
		return false;
	}
	*len = (size_t)st.st_size;
	*map = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (*map == MAP_FAILED) {
		*map = NULL;
		return false;
	}
	e->base = *map;
	e->len = *len;
	/* Only this machine's byte order: the report names modules on its host. */
	if (memcmp(e->base, ELFMAG, SELFMAG) ||
	    e->base[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB))
		goto bad;
	e->is64 = e->base[EI_CLASS] == ELFCLASS64;
	if (e->is64) {
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)e->base;

		e->shoff = eh->e_shoff;
		e->shnum = eh->e_shnum;
		e->shentsize = eh->e_shentsize;
	} else if (e->base[EI_CLASS] == ELFCLASS32) {
		const Elf32_Ehdr *eh = (const Elf32_Ehdr *)e->base;

		e->shoff = eh->e_shoff;
		e->shnum = eh->e_shnum;
		e->shentsize = eh->e_shentsize;
	} else {
		goto bad;
	}
	if (e->shentsize < (e->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
	    !in_file(e, e->shoff, (uint64_t)e->shnum * e->shentsize))
		goto bad;
	return true;
bad:
	munmap(*map, *len);
	*map = NULL;
	return false;
}

static void elf_syms(struct module *m, const struct elf *e, uint32_t type)
{
	for (size_t i = 0; i < e->shnum; i++) {
		struct sec sh;

		get_sec(e, i, &sh);
		if (sh.type == type)
			add_syms(m, e, &sh);
	}
}

/* The GNU build id as hex, or false. */
static bool elf_build_id(const struct elf *e, char *hex, size_t cap)
{
	for (size_t i = 0; i < e->shnum; i++) {
		struct sec sh;
		uint64_t off;

		get_sec(e, i, &sh);
		if (sh.type != SHT_NOTE || !in_file(e, sh.offset, sh.size))
			continue;
		for (off = 0; off + 12 <= sh.size;) {
			const unsigned char *n = e->base + sh.offset + off;
			uint32_t namesz, descsz, type;
			uint64_t name_al, desc_al;

			memcpy(&namesz, n, 4);
			memcpy(&descsz, n + 4, 4);
			memcpy(&type, n + 8, 4);
			name_al = ((uint64_t)namesz + 3) & ~3ull;
			desc_al = ((uint64_t)descsz + 3) & ~3ull;
			if (12 + name_al + desc_al > sh.size - off)
				break;
			if (type == NT_GNU_BUILD_ID && namesz == 4 && !memcmp(n + 12, "GNU", 4) &&
			    descsz >= 2 && descsz * 2 + 1 <= cap) {
				for (uint32_t k = 0; k < descsz; k++)
					snprintf(hex + 2 * k, 3, "%02x", n[12 + name_al + k]);
				return true;
			}
			off += 12 + name_al + desc_al;
		}
	}
	return false;
}

static void module_load(struct module *m)
{
	struct elf e, d;
	char hex[129], dbg[PATH_MAX];

	if (!elf_open(m->path, &e, &m->map[0], &m->len[0]))
		return;
	/* .symtab has every function. A stripped object keeps only .dynsym
	 * (the exported ones); its separate debug file, when a -dbg/-dbgsym
	 * package installed one, has the rest. */
	elf_syms(m, &e, SHT_SYMTAB);
	if (!m->nsyms) {
		bool ok = false;

		if (elf_build_id(&e, hex, sizeof hex)) {
			snprintf(dbg, sizeof dbg, "/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
			ok = elf_open(dbg, &d, &m->map[1], &m->len[1]);
		}
		if (!ok && (size_t)snprintf(dbg, sizeof dbg, "/usr/lib/debug%s", m->path) < sizeof dbg)
			ok = elf_open(dbg, &d, &m->map[1], &m->len[1]);
		if (ok)
			elf_syms(m, &d, SHT_SYMTAB);
		if (!m->nsyms)
			elf_syms(m, &e, SHT_DYNSYM);
	}
	if (m->nsyms)
		qsort(m->syms, m->nsyms, sizeof *m->syms, cmp_fsym);
}

static struct module *module_get(struct symtab *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->mods[i].path, path))
			return &t->mods[i];
	if (t->n == MAX_MODULES)
		return NULL;
	t->mods[t->n].path = strdup(path);
	if (!t->mods[t->n].path)
		return NULL;
	module_load(&t->mods[t->n]);
	return &t->mods[t->n++];
}

static const char *module_lookup(const struct module *m, uint64_t off)
{
	size_t lo = 0, hi = m->nsyms;

	/* The last symbol starting at or below off; sizeless symbols (some
	 * assembly) count only for an exact start. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->syms[mid].value <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		const struct fsym *s = &m->syms[--lo];

		if (off < s->value + s->size || off == s->value)
			return s->name;
		if (s->size)
			break;
	}
	return NULL;
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Frames that only forward to malloc name the wrapper, not the code that
 * grew the heap: C++ operator new, GLib's and common x* wrappers. */
static bool is_wrapper(const struct report_frame *f)
{
	static const char *const names[] = {
		"_Znwm", "_Znam", "_Znwj", "_Znaj", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
		"_ZnwmSt11align_val_t", "xmalloc", "xcalloc", "xrealloc", "xstrdup", "xzalloc",
		"g_malloc", "g_malloc0", "g_realloc", "g_try_malloc", "g_try_malloc0",
		"g_malloc_n", "g_malloc0_n", "g_slice_alloc", "g_slice_alloc0",
	};

	if (!f->symbol)
		return false;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(f->symbol, names[i]))
			return true;
	return false;
}

static void site_name(struct report_site *s)
{
	const struct report_frame *f = NULL;
	char buf[512];

	for (int i = 0; i < s->nframes; i++)
		if (!is_wrapper(&s->frames[i])) {
			f = &s->frames[i];
			break;
		}
	if (!f && s->nframes)
		f = &s->frames[0];
	if (!f) {
		s->func = strdup("?");
		s->where = NULL;
		return;
	}
	if (f->symbol) {
		snprintf(buf, sizeof buf, "%s", f->symbol);
	} else {
		const struct report_frame *g = NULL;
		int n;

		if (f->module)
			n = snprintf(buf, sizeof buf, "%s+0x%llx", base_of(f->module),
				     (unsigned long long)f->offset);
		else
			n = snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)f->address);
		/* Unnamed (a static function of a stripped object): name the
		 * nearest caller that has a name, "<" reading "called from". */
		for (const struct report_frame *h = f + 1; h < s->frames + s->nframes && !g; h++)
			if (h->symbol)
				g = h;
		if (g && n > 0 && (size_t)n < sizeof buf)
			snprintf(buf + n, sizeof buf - (size_t)n, " < %s", g->symbol);
	}
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	s->func = strdup(buf);
	s->where = f->module && f->symbol ? strdup(base_of(f->module)) : NULL;
}

void report_sym_resolve(struct report_set *set)
{
	struct symtab *t = calloc(1, sizeof *t);

	for (size_t i = 0; i < set->nprocs; i++) {
		struct report_proc *p = &set->procs[i];

		/* Only the sites shown; frames up to the first that is not a wrapper. */
		for (int k = 0; k < p->nsites && k < (set->top > 1 ? set->top : 1); k++) {
			struct report_site *s = &p->sites[k];

			for (int j = 0; t && j < s->nframes; j++) {
				struct report_frame *f = &s->frames[j];
				struct module *m;
				const char *name;

				if (f->symbol && !is_wrapper(f))
					break;
				if (f->symbol || !f->module || f->module[0] != '/')
					continue;
				m = module_get(t, f->module);
				name = m ? module_lookup(m, f->offset) : NULL;
				if (name)
					f->symbol = strdup(name);
				if (f->symbol && !is_wrapper(f))
					break;
			}
			site_name(s);
		}
	}
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->mods[i].path);
		free(t->mods[i].syms);
		for (int k = 0; k < 2; k++)
			if (t->mods[i].map[k])
				munmap(t->mods[i].map[k], t->mods[i].len[k]);
	}
	free(t);
}
