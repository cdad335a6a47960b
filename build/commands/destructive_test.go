package commands_test

import (
	"testing"

	"github.com/arcaapi/runbooks/build/commands"
)

func TestDestructive(t *testing.T) {
	for _, tt := range []struct {
		lang, code string
		want       bool
	}{
		// redis
		{"bash", "redis-cli -h arca-redis DEL wsaa:ta:x", true},
		{"bash", "redis-cli -h arca-redis -n 2 unlink k", true},
		{"bash", "redis-cli FLUSHALL ASYNC", true},
		{"bash", "redis-cli -p 6380 flushdb", true},
		{"bash", "redis-cli --scan --pattern 'cache:*' | xargs -n 500 redis-cli UNLINK", true},
		{"bash", "kubectl -n arca-prod exec -i deploy/arca-redis -- redis-cli -h arca-redis DEL \"k\"", true},
		{"bash", "rcli() { redis-cli \"$@\"; }\nrcli --scan --pattern 'cache:*' | xargs rcli UNLINK", true},
		{"bash", "redis-cli -h arca-redis INFO memory", false},
		{"bash", "redis-cli -h arca-redis --scan --pattern 'del*'", false},
		{"redis", "UNLINK cache:a cache:b", true},
		{"redis", "127.0.0.1:6379> FLUSHDB", true},
		{"redis", "GET cache:a", false},
		// SQL
		{"sql", "DELETE FROM tickets WHERE id = 1;", true},
		{"sql", "UPDATE jobs SET status = 'queued';", true},
		{"sql", "UPDATE jobs SET status = 'queued' WHERE id = 4;", false},
		{"sql", "update jobs j\n   set status = 'x';\nSELECT 1 WHERE true;", true},
		{"sql", "DROP TABLE x;", true},
		{"sql", "ALTER TABLE x DROP COLUMN y;", true},
		{"sql", "drop index concurrently x;", true},
		{"sql", "TRUNCATE webhook_deliveries;", true},
		{"sql", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity;", true},
		{"sql", "-- delete from x is what we do NOT do\nSELECT count(*) FROM x;", false},
		{"sql", "INSERT INTO x VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2;", false},
		{"sql", "DeLeTe FrOm x;", true},
		{"sql", "SELECT * FROM updates;", false},
		{"sql", "SELECT * FROM drops WHERE n > 1;", false},
		{"bash", "psql -c \"select 1 from drops\" -c \"Update jobs Set v = 1\"", true},
		{"bash", "psql -c \"select * from updates\" -c \"delete me\"", false},
		{"bash", "psql \"$DATABASE_URL\" -c \"DELETE FROM x WHERE id = 1;\"", true},
		{"bash", "sql \"UPDATE api_keys SET revoked_at = now();\"", true},
		{"bash", "psql <<'EOF'\nTRUNCATE x;\nEOF", true},
		{"bash", "psql -c \"SELECT * FROM x WHERE note = 'to delete'\"", false},
		// kubectl
		{"bash", "kubectl -n arca-prod delete pod api-1", true},
		{"bash", "kubectl delete -f job.yaml", true},
		{"bash", "kubectl --context prod -n x drain node-1 --ignore-daemonsets", true},
		{"bash", "kubectl -n x scale deploy/api --replicas=0", true},
		{"bash", "kubectl -n x scale deploy/api --replicas 0", true},
		{"bash", "kubectl -n x scale deploy/api --replicas=3", false},
		{"bash", "kubectl rollout undo deployment/arca-api", true},
		{"bash", "kubectl rollout status deployment/arca-api", false},
		{"bash", "kubectl -n delete get pods", false},
		{"bash", "sudo kubectl replace --force -f x.yaml", true},
		// helm
		{"bash", "helm uninstall arca-api -n x", true},
		{"bash", "helm -n x un arca-api", true},
		{"bash", "helm del arca-api", true},
		{"bash", "helm delete --purge arca-api", true},
		{"bash", "helm -n arca-prod rollback arca-api 41", true},
		{"bash", "helm -n arca-prod history arca-api", false},
		// terraform
		{"bash", "terraform destroy -auto-approve", true},
		{"bash", "terraform -chdir=infra apply -destroy", true},
		{"bash", "terraform apply -auto-approve", false},
		{"bash", "terraform plan -destroy", false},
		// rm
		{"bash", "rm -rf /tmp/heap", true},
		{"bash", "rm -fr /tmp/heap", true},
		{"bash", "rm -R dir", true},
		{"bash", "rm --recursive dir", true},
		{"bash", "rm -v -r dir", true},
		{"bash", "/bin/rm -r dir", true},
		{"bash", "rm heap.hprof", false},
		{"bash", "echo rm -rf /", false},
		{"bash", "grep -r 'rm -rf' .", false},
		// git
		{"bash", "git push --force origin main", true},
		{"bash", "git push -f", true},
		{"bash", "git push --force-with-lease origin main", true},
		{"bash", "git push origin +main", true},
		{"bash", "git push origin main", false},
		{"bash", "git reset --hard HEAD~1", true},
		{"bash", "git revert --no-edit abc123", false},
		// docker
		{"bash", "docker system prune -af", true},
		{"bash", "docker volume prune", true},
		{"bash", "docker ps -a", false},
		// wrappers and others
		{"bash", "sudo -u postgres dropdb arca", true},
		{"bash", "timeout 30 kubectl delete pod x", true},
		{"bash", "env KUBECONFIG=x kubectl delete pod x", true},
		{"bash", "sh -c 'rm -rf /tmp/x'", true},
		{"bash", "# kubectl delete pod x\nkubectl get pods", false},
		{"console", "$ kubectl delete pod x\npod \"x\" deleted", true},
		{"console", "$ kubectl get events\nx  Normal  Killing  delete pod x", false},
		{"zsh", "rm -rf ~/tmp/x", true},
		// other languages: read as text
		{"", "kubectl delete pod x", true},
		{"text", "helm rollback arca-api 3", true},
		{"text", "pod deleted", false},
		{"yaml", "command: [\"rm\", \"-rf\", \"/data\"]", false},
		{"promql", "delete_total", false},
		// a shell block the parser cannot read: read as text
		{"bash", "kubectl delete pod <pod-name>", true},
	} {
		if got := commands.Destructive(tt.lang, []byte(tt.code)); got != tt.want {
			t.Errorf("Destructive(%q, %q) = %v, want %v", tt.lang, tt.code, got, tt.want)
		}
	}
}
