/*
 * learner_acl.c - rights on a learner: checking them, and the SQL functions
 * that grant, revoke and transfer them (al.grant_learner, al.revoke_learner,
 * al.alter_learner_owner, al.learner_visible).
 *
 * A learner is owned through its handle (src/handle.c): the owner is the
 * handle's owner; the other rights are privileges on the handle (view =
 * SELECT, annotate = INSERT, proxy = UPDATE), each implied by those above
 * it.  See doc/security.md.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "eval_set.h"
#include "handle.h"
#include "learner_acl.h"
#include "sql_args.h"

PG_FUNCTION_INFO_V1(al_grant_learner);
PG_FUNCTION_INFO_V1(al_revoke_learner);
PG_FUNCTION_INFO_V1(al_alter_learner_owner);
PG_FUNCTION_INFO_V1(al_learner_visible);
PG_FUNCTION_INFO_V1(al_learner_channel);

/* A right's SQL name and the handle privilege that carries it. */
typedef struct RightName
{
	const char *name;
	LearnerRight right;
	AclMode		privilege;
	const char *privilege_name;
} RightName;

static const RightName right_names[] = {
	{"view", LEARNER_VIEW, ACL_SELECT, "SELECT"},
	{"annotate", LEARNER_ANNOTATE, ACL_INSERT, "INSERT"},
	{"proxy", LEARNER_PROXY, ACL_UPDATE, "UPDATE"},
};

/* The handle privileges that give a right: its own and those of the rights above. */
static AclMode
right_privileges(LearnerRight right)
{
	AclMode		mode = 0;
	size_t		i;

	for (i = 0; i < lengthof(right_names); i++)
		if (right_names[i].right >= right)
			mode |= right_names[i].privilege;
	return mode;
}

/* Has the current role the right on the learner (owners have them all)? */
bool
learner_has_right(const Learner *l, LearnerRight right)
{
	if (has_privs_of_role(GetUserId(), l->owner))
		return true;
	return right != LEARNER_OWN && al_handle_allows(l->handle, right_privileges(right));
}

/* ERROR unless the current role has the right on the learner. */
void
learner_require(const Learner *l, LearnerRight right)
{
	if (learner_has_right(l, right))
		return;
	if (right == LEARNER_OWN)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of learner \"%s\"", l->name)));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for learner \"%s\"", l->name),
			 errdetail("This needs the %s right on the learner.",
					   right == LEARNER_VIEW ? "view" :
					   right == LEARNER_ANNOTATE ? "annotate" : "proxy"),
			 errhint("Its owner can give it with al.grant_learner.")));
}

/*
 * ERROR unless the current role may act for annotator: itself with the
 * annotate right, anyone else with the proxy right.
 */
void
learner_require_annotator(const Learner *l, const char *annotator)
{
	const char *me = GetUserNameFromId(GetUserId(), false);

	if (annotator[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("annotator must not be empty")));
	if (strcmp(annotator, me) == 0)
	{
		learner_require(l, LEARNER_ANNOTATE);
		return;
	}
	if (!learner_has_right(l, LEARNER_PROXY))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to act as annotator \"%s\" in learner \"%s\"",
						annotator, l->name),
				 errdetail("Role \"%s\" may act only in its own name; acting for others needs the proxy right.",
						   me)));
}

/* The right named name; ERROR naming the valid ones. */
static const RightName *
right_by_name(const char *name)
{
	size_t		i;

	for (i = 0; i < lengthof(right_names); i++)
		if (strcmp(right_names[i].name, name) == 0)
			return &right_names[i];
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown learner right \"%s\"", name),
			 errhint("Rights are view, annotate and proxy.")));
	return NULL;
}

/* The learner of argument 0, which the caller must own.  SPI connected. */
static Learner *
owned_learner(FunctionCallInfo fcinfo)
{
	Learner    *l;

	al_require_arg(fcinfo, 0, "learner name");
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_OWN);
	return l;
}

/*
 * al.grant_learner(learner, role, right): give role the right (its handle
 * privilege; the rights below it are implied).  Owners only.
 */
Datum
al_grant_learner(PG_FUNCTION_ARGS)
{
	Learner    *l;
	const RightName *r;

	al_require_arg(fcinfo, 1, "role");
	al_require_arg(fcinfo, 2, "right");
	PreventCommandIfReadOnly("al.grant_learner()");
	SPI_connect();
	l = owned_learner(fcinfo);
	r = right_by_name(text_to_cstring(PG_GETARG_TEXT_PP(2)));
	al_handle_grant(l->handle, r->privilege_name, PG_GETARG_OID(1), true);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * al.revoke_learner(learner, role, right): take the right, and every right
 * above it, from role.  Owners only.
 */
Datum
al_revoke_learner(PG_FUNCTION_ARGS)
{
	Learner    *l;
	const RightName *r;
	StringInfoData privs;
	size_t		i;

	al_require_arg(fcinfo, 1, "role");
	al_require_arg(fcinfo, 2, "right");
	PreventCommandIfReadOnly("al.revoke_learner()");
	SPI_connect();
	l = owned_learner(fcinfo);
	r = right_by_name(text_to_cstring(PG_GETARG_TEXT_PP(2)));
	initStringInfo(&privs);
	for (i = 0; i < lengthof(right_names); i++)
		if (right_names[i].right >= r->right)
			appendStringInfo(&privs, "%s%s", privs.len ? ", " : "", right_names[i].privilege_name);
	al_handle_grant(l->handle, privs.data, PG_GETARG_OID(1), false);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * al.alter_learner_owner(learner, new_owner): transfer a learner (with its
 * models, labels and grants).  As for ALTER TABLE ... OWNER TO: the caller
 * must own the learner and be a member of the new owner.
 */
Datum
al_alter_learner_owner(PG_FUNCTION_ARGS)
{
	Learner    *l;
	Oid			new_owner;

	al_require_arg(fcinfo, 1, "new owner");
	PreventCommandIfReadOnly("al.alter_learner_owner()");
	new_owner = PG_GETARG_OID(1);
	SPI_connect();
	l = owned_learner(fcinfo);
	if (!is_member_of_role(GetUserId(), new_owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be member of role \"%s\"", GetUserNameFromId(new_owner, false))));
	/* the new owner reads the pool from now on */
	learner_lock_pool(l);
	{
		PoolColumns cols;

		pool_columns(l->pool, l->id_column, l->features_column, l->name, &cols);
		learner_check_pool_reader(l, new_owner, &cols);
		/* and its label column, which the rounds import as the owner */
		if (l->options.label_column[0] != '\0')
			learner_check_label_column(l->pool, l->options.label_column, l->name, new_owner);
		/* and its evaluation table, which every new version reads as the owner */
		if (l->options.eval_table != NULL)
			eval_table_check_option(&l->options, l->id_column, l->features_column, new_owner);
		/* and its cold-start query, which every cold-start batch runs as the owner */
		{
			Learner		heir = *l;

			heir.owner = new_owner;
			learner_check_cold_start(&heir);
		}
	}
	al_handle_set_owner(l->handle, new_owner);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * al.learner_visible(handle) -> boolean: may the current role see the
 * learner of this handle (the view right)?  For the row-level security
 * policies of al_ext's tables; false for a handle that no longer exists.
 */
Datum
al_learner_visible(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(al_handle_viewable(PG_GETARG_OID(0), right_privileges(LEARNER_VIEW)));
}

/* Add the bytes of a datum (detoasted) to a digest. */
static void
digest_datum(pg_cryptohash_ctx *ctx, Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	(void) pg_cryptohash_update(ctx, (const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

/*
 * The learner's NOTIFY channel: "al_ext_" and 32 hex digits of the SHA-256
 * of its secret, its handle's owner and the handle's ACL.  Only roles that
 * may view the learner can learn it, and it changes with every change of
 * owner or rights: a role whose right was revoked, which may have noted the
 * old channel, hears nothing more (doc/security.md).
 */
char *
learner_channel(const Learner *l)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(l->handle));
	Oid			owner;
	bool		isnull;
	Datum		acl;
	StringInfoData channel;
	int			i;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "al_ext handle %u does not exist", l->handle);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	acl = SysCacheGetAttr(RELOID, tup, Anum_pg_class_relacl, &isnull);
	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) l->channel, strlen(l->channel) + 1) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) &owner, sizeof(owner)) < 0)
		elog(ERROR, "could not derive the channel of learner \"%s\"", l->name);
	if (!isnull)
		digest_datum(ctx, acl);
	ReleaseSysCache(tup);
	if (pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not derive the channel of learner \"%s\": %s", l->name,
			 pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	initStringInfo(&channel);
	appendStringInfoString(&channel, "al_ext_");
	for (i = 0; i < 16; i++)
		appendStringInfo(&channel, "%02x", digest[i]);
	return channel.data;
}

/*
 * al.learner_channel(learner_id) -> text: the channel to LISTEN to for new
 * versions of the learner, NULL unless the current role may view it.
 */
Datum
al_learner_channel(PG_FUNCTION_ARGS)
{
	Learner    *l;
	Datum		channel = (Datum) 0;

	SPI_connect();
	l = learner_get_by_id(PG_GETARG_INT64(0));
	if (l != NULL && learner_has_right(l, LEARNER_VIEW))
		channel = SPI_datumTransfer(PointerGetDatum(cstring_to_text(learner_channel(l))), false, -1);
	SPI_finish();
	if (channel == (Datum) 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(channel);
}
