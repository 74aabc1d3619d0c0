#!/usr/bin/perl
# Sort the errors of valgrind logs (written with --error-markers=
# VALGRINDERROR-BEGIN,VALGRINDERROR-END and --fullpath-after=):
#   sort_errors.pl SRCDIR LOG...
# An error with a frame in al_ext's code, in its stack or in the origin of
# uninitialised bytes (a source file under SRCDIR, or al_ext.so when no
# line is known), is al_ext's and is printed whole; the others (PostgreSQL,
# libc, OpenBLAS) are counted by kind, first frames and origin.  Exits 1
# when al_ext has any error.
use strict;
use warnings;

my $srcdir = shift @ARGV;
my (@ours, %theirs, $in, @block, $file);
my $logs = 0;
for $file (@ARGV) {
	open(my $fh, '<', $file) or next;
	$logs++;
	$in = 0;
	while (my $line = <$fh>) {
		$line =~ s/^==\d+== ?//;
		if ($line =~ /VALGRINDERROR-BEGIN/) { $in = 1; @block = (); next; }
		if ($line =~ /VALGRINDERROR-END/) {
			$in = 0;
			my $text = join('', @block);
			if ($text =~ /al_ext\.so/ || index($text, "($srcdir") >= 0) {
				push @ours, "-- $file\n$text";
			} else {
				my ($stack) = split(/\n\s*(?:Address|Uninitialised value)/, $text, 2);
				my @frames = ($stack =~ /(?:at|by) 0x[0-9A-F]+: (\S+)/g);
				my ($created) = ($text =~ /was created by (.*)/s);
				my ($origin) = grep { !/^(malloc|calloc|realloc|\?\?\?|palloc\S*|AllocSet\S*|MemoryContext\S*)$/ }
				  (defined $created ? ($created =~ /(?:at|by) 0x[0-9A-F]+: (\S+)/g) : ());
				my $kind = $block[0] // "?\n";
				chomp $kind;
				$theirs{"$kind | " . join(' < ', grep { defined } @frames[0 .. 3])
					  . (defined $origin ? " | uninitialised since: $origin" : "")}++;
			}
			next;
		}
		push @block, $line if $in;
	}
	close $fh;
}
my $n_theirs = 0;
$n_theirs += $_ for values %theirs;
printf "  %d valgrind logs (one per process), %d errors in al_ext code, %d elsewhere\n",
	$logs, scalar(@ours), $n_theirs;
if (%theirs) {
	print "  not al_ext's (PostgreSQL or a library; not failing the run):\n";
	printf "    %5d x %s\n", $theirs{$_}, $_
	  for sort { $theirs{$b} <=> $theirs{$a} } keys %theirs;
}
if (@ours) {
	print "FAILED: valgrind found errors in al_ext code:\n";
	print "$_\n" for @ours;
	exit 1;
}
print "  no error in al_ext code\n";
exit 0;
