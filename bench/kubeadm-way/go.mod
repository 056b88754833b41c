module kpki/bench/kubeadm-way

go 1.19
