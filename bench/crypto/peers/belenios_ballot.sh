#!/usr/bin/env bash
# Belenios peer harness (belenios-tool 2.0, Debian package): times the same ballot shapes as
# clearcount's benchmark, through the tool's own CLI, one ceremony step at a time.
#
#   belenios_ballot.sh ballot  N REPEATS WORKDIR   # 1-of-5 homomorphic question, BELENIOS-2048
#   belenios_ballot.sh shuffle N REPEATS WORKDIR   # 5 NonHomomorphic questions, RFC-3526-2048
#   belenios_ballot.sh threshold N REPEATS WORKDIR # 5 trustees, 3 needed: DKG, then decryption
#                                                  # of the 1-of-5 tally of N ballots
#
# Prints `key=value` lines (times in ms, space-separated samples) for bench/crypto/ballot_bench.py
# and shuffle_bench.py to parse. The per-ballot verification cost is (verify of the archive with
# N ballots - verify of the same archive with none) / N, so start-up and setup checks cancel out.
# Belenios' mixnet needs a group where a ranking can be encoded (RFC-3526-2048, 2047-bit
# exponents); its homomorphic ballots use its default BELENIOS-2048 (256-bit subgroup).
set -euo pipefail

mode=$1 n=$2 repeats=$3 work=$(realpath -m "$4")
export BELENIOS_USE_URANDOM=1
bt=belenios-tool
command -v "$bt" >/dev/null || { echo "error=belenios-tool not installed" ; exit 2; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ms() {  # user + system time of the waited-for children of this shell, from `times`
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]);
       t += p[1] * 60 + p[2] } printf "%d", t * 1000 }' "$1"
}
measure() {  # measure NAME COMMAND...: run COMMAND $repeats times; print wall and CPU samples (ms)
  local name=$1 wall=() cpu=() s e
  shift
  for _ in $(seq "$repeats"); do
    times > "$work/.cpu0"; s=$(now_ms)
    "$@"
    e=$(now_ms); times > "$work/.cpu1"
    wall+=($((e - s))); cpu+=($(( $(cpu_ms "$work/.cpu1") - $(cpu_ms "$work/.cpu0") )))
  done
  echo "${name}=${wall[*]}"
  echo "${name}_cpu=${cpu[*]}"
}

rm -rf "$work" && mkdir -p "$work" && cd "$work"
uuid=$($bt setup generate-token)
case $mode in
  ballot|threshold)
    group=BELENIOS-2048
    template='{"description":"clearcount bench","name":"1-of-5","questions":[{"answers":["Ash","Birch","Cedar","Damson","Elm"],"min":1,"max":1,"question":"Pick one"}]}'
    vote() { local IFS=, v=(0 0 0 0 0); v[$(( $1 % 5 ))]=1; echo "[[${v[*]}]]"; }
    ;;
  shuffle)
    group=RFC-3526-2048
    q='{"type":"NonHomomorphic","value":{"answers":["Ash","Birch","Cedar","Damson","Elm"],"question":"Rank"}}'
    template="{\"description\":\"clearcount bench\",\"name\":\"5 ciphertexts\",\"questions\":[$q,$q,$q,$q,$q]}"
    vote() { echo '[[1,2,3,4,5],[2,1,3,4,5],[3,2,1,4,5],[5,4,3,2,1],[1,3,5,2,4]]'; }
    ;;
  *) echo "error=unknown mode $mode"; exit 2 ;;
esac

$bt setup generate-credentials --uuid "$uuid" --group $group --count "$n" >/dev/null 2>&1
mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt
dkg() {  # Belenios' threshold key generation (6 steps, its spec §4.2) for 5 trustees, 3 needed
  local kg=($bt setup generate-trustee-key-threshold --group $group) u
  rm -rf dkg && mkdir dkg && (
    cd dkg
    for _ in 1 2 3 4 5; do "${kg[@]}" --step 1 >/dev/null 2>&1; done
    cat ./*.cert > certs.jsons
    "${kg[@]}" --certs certs.jsons --step 2 2>/dev/null
    for u in *.key; do "${kg[@]}" --certs certs.jsons --key "$u" --step 3 --threshold 3 2>/dev/null
    done > polynomials.jsons
    "${kg[@]}" --certs certs.jsons --step 4 --polynomials polynomials.jsons 2>/dev/null
    for u in *.key; do
      "${kg[@]}" --certs certs.jsons --key "$u" --step 5 < "${u%.key}.vinput" \
        > "${u%.key}.voutput" 2>/dev/null
    done
    cat ./*.voutput | "${kg[@]}" --certs certs.jsons --step 6 --polynomials polynomials.jsons \
      > threshold.json 2>/dev/null
  )
}
if [ "$mode" = threshold ]; then
  measure dkg_ms dkg
  cp dkg/threshold.json .
  # Belenios also wants one ordinary ("mandatory", server) trustee key next to the threshold set.
  $bt setup generate-trustee-key --group $group >/dev/null 2>&1
  cat ./*.pubkey > public_keys.jsons && $bt setup make-trustees 2>/dev/null
  rm public_keys.jsons threshold.json
else
  $bt setup generate-trustee-key --group $group >/dev/null 2>&1
  cat ./*.pubkey > public_keys.jsons && $bt setup make-trustees 2>/dev/null && rm public_keys.jsons
fi
echo "$template" > template.json
$bt setup make-election --uuid "$uuid" --group $group --template template.json 2>/dev/null
$bt archive init 2>/dev/null && rm -f election.json trustees.json public_creds.json
mkdir empty && cp "$uuid.bel" empty/

# Encrypt + prove (+ sign with the credential): one process per ballot, as a voter would run it.
mkdir ballots
i=0
t0=$(now_ms)
while read -r _ cred; do
  $bt election generate-ballot --privcred <(echo "$cred") --ballot <(vote $i) \
    > "ballots/$i.json" 2>/dev/null
  i=$((i + 1))
done < private_creds.txt
t1=$(now_ms)
echo "ballots=$i"
echo "encrypt_total_ms=$((t1 - t0))"
for f in ballots/*.json; do $bt archive add-event --type=Ballot < "$f" 2>/dev/null; done

verify() { $bt election verify --dir "$1" >/dev/null 2>&1; }

if [ "$mode" = ballot ]; then
  measure verify_empty_ms verify empty
  measure verify_full_ms verify .
  exit 0
fi

$bt archive add-event --type=EndBallots < /dev/null 2>/dev/null
$bt election compute-encrypted-tally 2>/dev/null | $bt archive add-event --type=EncryptedTally 2>/dev/null

if [ "$mode" = threshold ]; then  # 3 of the 5 threshold trustees (ids 2..6), then the server's
  mkdir partials
  keys=(dkg/*.key)
  decrypt3() {
    local j k
    for j in 0 1 2; do
      k=${keys[$j]}
      $bt election decrypt-threshold --key "$k" --decryption-key "${k%.key}.dkey" \
        --trustee-id $((j + 2)) > "partials/$j.json" 2>/dev/null
    done
  }
  measure partial_decrypt_3_ms decrypt3
  for j in 0 1 2; do $bt archive add-event --type=PartialDecryption < "partials/$j.json" 2>/dev/null; done
  $bt election decrypt --privkey ./*.privkey --trustee-id 1 2>/dev/null \
    | $bt archive add-event --type=PartialDecryption 2>/dev/null
  measure combine_ms eval '$bt election compute-result > result.json 2>/dev/null'
  $bt archive add-event --type=Result < result.json 2>/dev/null
  $bt election verify >/dev/null 2>&1 && echo "verified=yes" || echo "verified=no"
  exit 0
fi
measure verify_before_ms verify .
measure shuffle_ms eval '$bt election shuffle --trustee-id=1 > shuffle.json 2>/dev/null'
$bt archive add-event --type=Shuffle < shuffle.json 2>/dev/null
measure verify_after_ms verify .
