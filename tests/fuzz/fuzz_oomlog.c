/* fuzz_oomlog.c: libFuzzer target for the OOM report parser (shim/oomlog.c):
 * the raw bytes with their exact length, every report in them, the gfp mask
 * decoded under every era's table, and the watermark verdict over the zones
 * each report yields. Aborts on a broken invariant of the report struct. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kmem.h"
#include "oomlog.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t cap)
{
	if (!memchr(s, 0, cap))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct oomlog_report r;
	struct oomlog_ctx c;
	struct oomlog_gfp g;
	int n = 0;

	oomlog_init(&c, (const char *)data, size);
	while (oomlog_next(&c, &r)) {
		if (r.start_off > size || r.end_off > size || r.nzones > OOMLOG_MAX_ZONES ||
		    r.nframes > OOMLOG_MAX_FRAMES || r.ntasks > OOMLOG_MAX_TASKS || r.page_kb <= 0 ||
		    ++n > (int)size + 1)
			abort();
		check_str(r.task, sizeof r.task);
		check_str(r.gfp_names, sizeof r.gfp_names);
		check_str(r.release, sizeof r.release);
		check_str(r.killed_comm, sizeof r.killed_comm);
		check_str(r.memcg, sizeof r.memcg);
		for (size_t i = 0; i < r.nframes; i++)
			check_str(r.frames[i], OOMLOG_FRAME_LEN);
		for (int e = -1; e < OOMLOG_GFP_NERAS; e++) {
			oomlog_gfp_decode(r.gfp, e, r.gfp_names, &g);
			check_str(g.names, sizeof g.names);
		}
		fuzz_verdicts(r.zones, r.nzones);
	}
	return 0;
}
