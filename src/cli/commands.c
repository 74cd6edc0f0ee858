/* The command table: alphabetical, searched with bsearch. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct command commands[] = {
	{"audit", cmd_audit, "list the audit log (imports and exports)"},
	{"coverage", cmd_coverage,
	 "support coverage by district, association or city"},
	{"demo", cmd_demo,
	 "build a demo register (real districts, synthetic people)"},
	{"export", cmd_export,
	 "write KML maps (and PDF atlases) of unassigned households"},
	{"help", cmd_help, "show help for evacreg or a command"},
	{"import", cmd_import,
	 "import associations, districts, registrants, supporters, "
	 "assignments, shelters or base-map layers"},
	{"init", cmd_init, "create a new register file"},
	{"synth", cmd_synth, "generate a synthetic register as CSV files"},
	{"version", cmd_version, "print the version"},
};

static int
cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct command *)elem)->name);
}

const struct command *
cli_find_command(const char *name)
{
	return bsearch(name, commands, sizeof commands / sizeof commands[0],
		       sizeof commands[0], cmp);
}

const struct command *
cli_commands(int *n)
{
	*n = (int)(sizeof commands / sizeof commands[0]);
	return commands;
}
