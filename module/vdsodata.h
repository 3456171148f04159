/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel keeps the vDSO's clock data and how [vvar] shows it.
 * Both changed: up to 6.14 the data page and its fault handler are the
 * architecture's (arch_x86.h); from 6.15 they are the generic vDSO data
 * store's, whose first page holds a struct vdso_time_data with one struct
 * vdso_clock per clocksource; from 7.x that page is a refcounted page in a
 * VM_MIXEDMAP mapping, no longer a bare pfn. vvar.c copies the data,
 * vdsomap.c shows the copy; neither needs to know which kernel it is.
 */
#ifndef _FC_VDSODATA_H
#define _FC_VDSODATA_H

#include <linux/mm.h>
#include <vdso/clocksource.h>
#include <vdso/datapage.h>

#include "arch.h"
#include "ksym.h"

#ifdef FC_HAVE_VDSO_DATASTORE
#include <linux/vdso_datastore.h>

#ifndef FC_HAVE_VDSO_CLOCK
#error "fluxcap: a vDSO data store without struct vdso_clock is not supported"
#endif

/* The data of one clocksource (CS_HRES_COARSE, CS_RAW). */
#define fc_vdso_clock		vdso_clock

#define FC_VVAR_MAPPING		"vdso_vvar_mapping"
#define FC_VVAR_FAULT		"vvar_fault"

/*
 * The kernel's clocks, CS_BASES of them, and their offset in their page
 * (the same in a group's copy), or NULL.
 */
static inline const struct vdso_clock *fc_vdso_host_clocks(unsigned long *off)
{
	struct vdso_time_data *const *td = fc_ksym_data("vdso_k_time_data");

	if (!td || !*td || !PAGE_ALIGNED(*td))
		return NULL;
	*off = offsetof(struct vdso_time_data, clock_data);
	return (*td)->clock_data;
}

/* True when a fault of [vvar] at vmf is for the clocks' page. */
static inline bool fc_vvar_time_fault(struct vm_area_struct *vma,
				      struct vm_fault *vmf)
{
	return vmf->pgoff == VDSO_TIME_PAGE_OFFSET;
}
#else
/* Before 6.15: an array of struct vdso_data, one per clocksource. */
#define fc_vdso_clock		vdso_data

#define FC_VVAR_MAPPING		FC_ARCH_VVAR_MAPPING
#define FC_VVAR_FAULT		FC_ARCH_VVAR_FAULT

static inline const struct vdso_data *fc_vdso_host_clocks(unsigned long *off)
{
	const char *page = fc_ksym_data(FC_ARCH_VVAR_PAGE);
	const char *vd = fc_ksym_data(FC_ARCH_VDSO_DATA);

	if (!page || !vd || !PAGE_ALIGNED(page) || vd < page)
		return NULL;
	*off = vd - page;
	return (const struct vdso_data *)vd;
}

static inline bool fc_vvar_time_fault(struct vm_area_struct *vma,
				      struct vm_fault *vmf)
{
	return fc_arch_vvar_data_fault(vma, vmf);
}
#endif

#ifdef FC_HAVE_VDSO_DATA_PAGES
/* A fault of [vvar] (VM_MIXEDMAP) hands back a page it holds a reference on. */
static inline vm_fault_t fc_vvar_fault_page(struct vm_area_struct *vma,
					    struct vm_fault *vmf,
					    struct page *page)
{
	get_page(page);
	vmf->page = page;
	return 0;
}
#else
/* [vvar] is VM_PFNMAP: its entries are pfns that hold nothing. */
static inline vm_fault_t fc_vvar_fault_page(struct vm_area_struct *vma,
					    struct vm_fault *vmf,
					    struct page *page)
{
	return vmf_insert_pfn(vma, vmf->address, page_to_pfn(page));
}
#endif

/* Drops the entries of vma, a [vvar]: the next read faults. */
static inline void fc_vvar_zap(struct vm_area_struct *vma)
{
#ifdef FC_HAVE_ZAP_SPECIAL_VMA_RANGE
	zap_special_vma_range(vma, vma->vm_start, vma->vm_end - vma->vm_start);
#else
	zap_vma_ptes(vma, vma->vm_start, vma->vm_end - vma->vm_start);
#endif
}

#endif /* _FC_VDSODATA_H */
